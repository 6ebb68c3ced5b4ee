import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AlertRule } from '@outpost/protocol';
import type { Db } from '../../storage/database.js';
import { seedDevices, testClock, testDb } from '../fleet/monitoring.fixture.js';
import { createOutboxStore } from '../notifications/outbox.store.js';
import { createAlertEngine } from './alert-engine.js';
import { createAlertsStore } from './alerts.store.js';
import type { Observation } from './rule-types/index.js';
import { breach, openAlerts, probeEngineDeps, probeRule, steeredRuleType } from './alert-engine.fixture.js';

const observed = new Map<string, Observation>();
const probe = steeredRuleType(observed);

describe('alert engine', () => {
  let env: Awaited<ReturnType<typeof testDb>>;
  let db: Db;
  const clock = testClock();
  let store: ReturnType<typeof createAlertsStore>;
  let engine: ReturnType<typeof createAlertEngine>;

  const rule = (over: Partial<AlertRule> = {}) => probeRule(store, { channels: ['chn_a', 'chn_gone'], ...over });
  const open = () => openAlerts(store);

  beforeEach(async () => {
    env = await testDb();
    db = env.db;
    observed.clear();
    await seedDevices(db, 3);
    store = createAlertsStore(db, createOutboxStore(db).addIntents);
    engine = createAlertEngine(probeEngineDeps(db, clock, store, probe, ['chn_a']));
  });
  afterEach(() => env.close());

  it('fires once per rule and device after forS, with one intent per enabled channel, and resolves after clearForS', async () => {
    await rule({ forS: 30, clearForS: 10 });
    observed.set('dev-001', breach(5));
    await engine.evaluate();
    clock.advance(29_000);
    await engine.evaluate();
    assert.deepEqual(await open(), [], 'not before forS');
    clock.advance(1000);
    assert.equal((await engine.evaluate()).fired, 1);
    clock.advance(1000);
    assert.equal((await engine.evaluate()).fired, 0, 'deduplicated while open');
    assert.deepEqual(await open(), ['dev-001:0']);
    const intents = await db.selectFrom('notification_intents').selectAll().execute();
    assert.deepEqual(
      intents.map((i) => i.channel_id),
      ['chn_a'],
    );
    observed.set('dev-001', { status: 'ok' });
    await engine.evaluate();
    clock.advance(9000);
    assert.equal((await engine.evaluate()).resolved, 0, 'not before clearForS');
    clock.advance(1000);
    assert.equal((await engine.evaluate()).resolved, 1);
    assert.deepEqual(await open(), []);
  });

  it('holds: neither fires nor resolves, and restarts the pending timers', async () => {
    await rule({ forS: 10 });
    observed.set('dev-002', breach());
    await engine.evaluate();
    clock.advance(6000);
    observed.set('dev-002', { status: 'hold' });
    await engine.evaluate();
    clock.advance(6000);
    observed.set('dev-002', breach());
    await engine.evaluate();
    assert.deepEqual(await open(), [], 'the breach restarted after the hold');
    clock.advance(10_000);
    await engine.evaluate();
    assert.deepEqual(await open(), ['dev-002:0']);
    observed.set('dev-002', { status: 'hold' });
    clock.advance(60_000);
    await engine.evaluate();
    assert.deepEqual(await open(), ['dev-002:0'], 'a hold does not resolve');
  });

  it('damps flapping: the third firing in the window is marked flapping and resolves only after a quiet period', async () => {
    await rule();
    for (let i = 0; i < 2; i++) {
      observed.set('dev-003', breach());
      await engine.evaluate();
      clock.advance(5000);
      observed.set('dev-003', { status: 'ok' });
      await engine.evaluate();
      clock.advance(5000);
    }
    observed.set('dev-003', breach());
    await engine.evaluate();
    assert.deepEqual(await open(), ['dev-003:1']);
    observed.set('dev-003', { status: 'ok' });
    await engine.evaluate();
    clock.advance(30_000);
    await engine.evaluate();
    observed.set('dev-003', breach());
    clock.advance(5000);
    await engine.evaluate();
    assert.deepEqual(await open(), ['dev-003:1'], 'still the one flapping alert');
    observed.set('dev-003', { status: 'ok' });
    await engine.evaluate();
    clock.advance(60_000);
    await engine.evaluate();
    assert.deepEqual(await open(), []);
    const all = await store.listAlerts({ limit: 100 });
    assert.equal(all.length, 3, 'three alerts in the window, not one per flap');
    const events = (await db.selectFrom('notification_intents').select('payload_json').execute()).map(
      (r) => (JSON.parse(r.payload_json) as { event: string }).event,
    );
    assert.deepEqual(events, ['fired', 'resolved', 'fired', 'resolved', 'flapping', 'resolved']);
  });

  it('resolves alerts whose device left the scope or whose rule was disabled or deleted', async () => {
    const r1 = await rule({ name: 'scoped' });
    const r2 = await rule({ name: 'to disable' });
    const r3 = await rule({ name: 'to delete' });
    for (const id of ['dev-001', 'dev-002']) observed.set(id, breach());
    await engine.evaluate();
    assert.equal((await store.listAlerts({ states: ['firing'], limit: 100 })).length, 6);
    await store.updateRule({ ...r1, scope: { filter: 'id = "dev-001"' } });
    await store.updateRule({ ...r2, enabled: false });
    await store.deleteRule(r3.id);
    await engine.evaluate();
    const left = await store.listAlerts({ states: ['firing'], limit: 100 });
    assert.deepEqual(
      left.map((a) => `${a.rule_name}/${a.device_id}`),
      ['scoped/dev-001'],
    );
    const notes = (await store.listAlerts({ states: ['resolved'], limit: 100 })).map((a) => a.resolve_note).sort();
    assert.deepEqual(notes, [
      'device left the rule scope',
      'rule deleted',
      'rule deleted',
      'rule disabled',
      'rule disabled',
    ]);
  });

  it('does not fire again after a hand resolve until the condition has cleared once', async () => {
    const r = await rule();
    observed.set('dev-001', breach());
    await engine.evaluate();
    const [a] = await store.listAlerts({ states: ['firing'], limit: 10 });
    await store.resolveByHand({
      id: a.id,
      at: clock.now().toISOString(),
      by: 'alice',
      note: 'known',
      valueJson: null,
      intents: [],
    });
    engine.noteManualResolve(r.id, 'dev-001');
    clock.advance(5000);
    await engine.evaluate();
    assert.deepEqual(await open(), []);
    observed.set('dev-001', { status: 'ok' });
    await engine.evaluate();
    observed.set('dev-001', breach());
    await engine.evaluate();
    assert.deepEqual(await open(), ['dev-001:0']);
  });
});
