import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AlertRule } from '@outpost/protocol';
import type { Db } from '../../storage/database.js';
import { seedDevices, testClock, testDb } from '../fleet/monitoring.fixture.js';
import { createOutboxStore } from '../notifications/outbox.store.js';
import { createAlertEngine } from './alert-engine.js';
import { createAlertTimersStore } from './alert-timers.store.js';
import { createAlertsStore } from './alerts.store.js';
import type { Observation } from './rule-types/index.js';
import { breach as breachOf, openAlerts, probeEngineDeps, probeRule, steeredRuleType } from './alert-engine.fixture.js';

const observed = new Map<string, Observation>();
const probe = steeredRuleType(observed);
const breach = breachOf();

describe('alert timers across a hub restart', () => {
  let env: Awaited<ReturnType<typeof testDb>>;
  let db: Db;
  let clock: ReturnType<typeof testClock>;
  let store: ReturnType<typeof createAlertsStore>;

  // A new engine over the same database is what a restarted hub builds.
  const engine = () =>
    createAlertEngine({
      ...probeEngineDeps(db, clock, store, probe, []),
      timers: createAlertTimersStore(db),
      outageToleranceMs: 600_000,
    });
  const rule = (over: Partial<AlertRule> = {}) => probeRule(store, over);
  const open = () => openAlerts(store);

  beforeEach(async () => {
    env = await testDb();
    db = env.db;
    clock = testClock();
    observed.clear();
    await seedDevices(db, 3);
    store = createAlertsStore(db, createOutboxStore(db).addIntents);
  });
  afterEach(() => env.close());

  it('goes on counting a `for` duration from where it was, not from the restart', async () => {
    await rule({ forS: 60 });
    observed.set('dev-001', breach);
    await engine().evaluate();
    clock.advance(30_000);
    await engine().evaluate();
    // Down for 20 s, then a new process.
    clock.advance(20_000);
    const after = engine();
    await after.evaluate();
    assert.deepEqual(await open(), [], '50 s of 60');
    clock.advance(10_000);
    assert.equal((await after.evaluate()).fired, 1, 'fires 60 s after the breach began, 10 s after the restart');
    assert.deepEqual(await open(), ['dev-001:0']);
  });

  it('starts the durations again after an outage longer than the tolerance', async () => {
    await rule({ forS: 60 });
    observed.set('dev-002', breach);
    await engine().evaluate();
    clock.advance(11 * 60_000);
    const after = engine();
    assert.equal((await after.evaluate()).fired, 0, 'nothing watched the device for 11 minutes');
    clock.advance(59_000);
    assert.equal((await after.evaluate()).fired, 0);
    clock.advance(1000);
    assert.equal((await after.evaluate()).fired, 1);
  });

  it('keeps flap history, clear timers and a manual resolve through a restart', async () => {
    const r = await rule({ clearForS: 30 });
    const e1 = engine();
    for (let i = 0; i < 2; i++) {
      observed.set('dev-003', breach);
      await e1.evaluate();
      clock.advance(5000);
      observed.set('dev-003', { status: 'ok' });
      await e1.evaluate();
      clock.advance(31_000);
      await e1.evaluate();
    }
    assert.deepEqual(await open(), []);
    // The third firing, in a new process, is still the third within the window.
    observed.set('dev-003', breach);
    await engine().evaluate();
    assert.deepEqual(await open(), ['dev-003:1']);

    // Clearing began before the restart and is not started again after it.
    observed.set('dev-003', { status: 'ok' });
    const e2 = engine();
    await e2.evaluate();
    clock.advance(50_000);
    const e3 = engine();
    await e3.evaluate();
    clock.advance(10_000);
    assert.equal((await e3.evaluate()).resolved, 1, 'the flapping quiet time (60 s) counted across the restart');

    // Resolved by hand while the condition holds: a restarted hub does not fire it again.
    observed.set('dev-001', breach);
    await e3.evaluate();
    assert.deepEqual(await open(), ['dev-001:0']);
    const [a] = (await store.listAlerts({ states: ['firing'], limit: 10 })).filter((x) => x.device_id === 'dev-001');
    await store.apply({
      fired: [],
      values: [],
      resolved: [{ id: a.id, at: clock.now().toISOString(), by: 'op', note: 'known', valueJson: null, intents: [] }],
    });
    e3.noteManualResolve(r.id, 'dev-001');
    clock.advance(1000);
    await e3.evaluate();
    clock.advance(1000);
    assert.equal((await engine().evaluate()).fired, 0);
  });

  it('drops the stored timers of a deleted rule and of conditions that went away', async () => {
    const r = await rule({ forS: 600 });
    observed.set('dev-001', breach);
    observed.set('dev-002', breach);
    const e = engine();
    await e.evaluate();
    const rows = async () =>
      (await db.selectFrom('alert_timers').select(['rule_id', 'device_id']).execute()).map((x) => x.device_id).sort();
    assert.deepEqual(await rows(), ['dev-001', 'dev-002']);
    observed.set('dev-002', { status: 'ok' });
    clock.advance(1000);
    await e.evaluate();
    assert.deepEqual(await rows(), ['dev-001']);
    await db.deleteFrom('alert_rules').where('id', '=', r.id).execute();
    clock.advance(1000);
    await e.evaluate();
    assert.deepEqual(await rows(), []);
  });
});
