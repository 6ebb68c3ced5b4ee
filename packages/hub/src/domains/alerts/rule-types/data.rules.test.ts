import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../../../storage/database.js';
import { seedDevices, testClock, testDb } from '../../fleet/monitoring.fixture.js';
import { createOutboxStore } from '../../notifications/outbox.store.js';
import { createStreamsStore } from '../../streams/streams.store.js';
import type { StreamValue } from '../../streams/index.js';
import { createAlertEngine } from '../alert-engine.js';
import { probeEngineDeps, probeRule, openAlerts } from '../alert-engine.fixture.js';
import { createAlertsStore } from '../alerts.store.js';
import { dataMonitorRules } from './data.rules.js';

// Data monitors on the real alert engine over values filed by the real streams store, with the
// manual clock: a breach fires once after forS and resolves only past the hysteresis band.

describe('data monitors', () => {
  let env: Awaited<ReturnType<typeof testDb>>;
  let db: Db;
  const clock = testClock();
  let seq = 0;

  beforeEach(async () => {
    env = await testDb();
    db = env.db;
    await seedDevices(db, 2);
  });
  afterEach(() => env.close());

  function setup() {
    const streams = createStreamsStore(db);
    const store = createAlertsStore(db, createOutboxStore(db).addIntents);
    const deps = probeEngineDeps(db, clock, store, dataMonitorRules(streams)[0]!, []);
    const engine = createAlertEngine({ ...deps, types: new Map(dataMonitorRules(streams).map((t) => [t.type, t])) });
    const file = (deviceId: string, point: string, value: StreamValue['value'], over: Partial<StreamValue> = {}) => {
      const now = clock.now().getTime();
      const v: StreamValue = { deviceId, point, value, quality: 'good', sourceTs: now, receivedAt: now, ...over };
      return streams.fileBatch({ deviceId, seq: ++seq, receivedAt: now, defs: [], values: [v], maxPoints: 100 });
    };
    return { engine, store, file };
  }

  it('threshold: fires once after its duration and resolves only below the hysteresis band', async () => {
    const { engine, store, file } = setup();
    await probeRule(store, {
      type: 'data_threshold',
      forS: 60,
      params: { point: 'tank_level', direction: 'below', threshold: 20, hysteresis: 5 },
    });
    await file('dev-001', 'tank_level', 18);
    await file('dev-002', 'tank_level', 50);
    await engine.evaluate();
    clock.advance(59_000);
    assert.equal((await engine.evaluate()).fired, 0, 'not before forS');
    clock.advance(1000);
    assert.equal((await engine.evaluate()).fired, 1);
    clock.advance(5000);
    await file('dev-001', 'tank_level', 17);
    assert.equal((await engine.evaluate()).fired, 0, 'fires once');
    assert.deepEqual(await openAlerts(store), ['dev-001:0']);
    // Back above the threshold but inside the band: still open.
    await file('dev-001', 'tank_level', 23);
    clock.advance(5000);
    assert.equal((await engine.evaluate()).resolved, 0, 'inside the hysteresis band');
    await file('dev-001', 'tank_level', 25.5);
    clock.advance(5000);
    assert.equal((await engine.evaluate()).resolved, 1);
    assert.deepEqual(await openAlerts(store), []);
  });

  it('rate, stale, state and quality: each fires on its condition', async () => {
    const { engine, store, file } = setup();
    await probeRule(store, { type: 'data_rate', params: { point: 'flow', perMinute: 10, windowS: 120 } });
    await probeRule(store, { type: 'data_stale', params: { point: 'heartbeat', afterS: 300 } });
    await probeRule(store, { type: 'data_state', params: { point: 'breaker', states: ['tripped', 'true'] } });
    await probeRule(store, { type: 'data_quality', params: { point: 'level' } });
    await file('dev-001', 'flow', 100);
    await file('dev-002', 'flow', 100);
    await file('dev-001', 'heartbeat', 1);
    await file('dev-001', 'breaker', 'tripped');
    await file('dev-002', 'breaker', 'closed');
    await file('dev-002', 'level', null, { quality: 'bad', reason: 'timeout' });
    clock.advance(60_000);
    await file('dev-001', 'flow', 130);
    await file('dev-002', 'flow', 105);
    assert.equal((await engine.evaluate()).fired, 3, 'rate of dev-001, state of dev-001, quality of dev-002');
    clock.advance(300_000);
    assert.equal((await engine.evaluate()).fired, 1, 'heartbeat of dev-001 went stale');
    const open = await store.listAlerts({ states: ['firing'], limit: 10 });
    assert.deepEqual(open.map((a) => `${a.device_id}`).sort(), ['dev-001', 'dev-001', 'dev-001', 'dev-002']);
  });

  it('refuses a monitor without a valid point, naming the parameter', () => {
    const [threshold] = dataMonitorRules(createStreamsStore(db));
    assert.throws(() => threshold!.parse({ point: 'Tank Level', threshold: 1 }), /params.point has an invalid value/);
    assert.throws(() => threshold!.parse({ point: 'tank' }), /params.threshold is required/);
  });
});
