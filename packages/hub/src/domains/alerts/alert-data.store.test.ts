import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDb } from '../fleet/monitoring.fixture.js';
import type { DeviceSnapshot } from '../devices/index.js';
import { alertDataOn } from './alert-engine.fixture.js';
import { BUILT_IN_RULE_TYPES } from './rule-types/index.js';

describe('alert data queries', () => {
  let env: Awaited<ReturnType<typeof testDb>>;
  before(async () => {
    env = await testDb();
    const ev = (device_id: string, seq: number, type: string, ts: string) => ({
      device_id,
      seq,
      type,
      ts,
      received_at: ts,
      severity: 'warning',
      data_json: '{}',
    });
    await env.db
      .insertInto('device_events')
      .values([
        ev('a', 1, 'auth.login_failed', '2026-03-02T10:00:00.000Z'),
        ev('a', 2, 'auth.login_failed', '2026-03-02T10:01:00.000Z'),
        ev('a', 3, 'guard.write_blocked', '2026-03-02T10:02:00.000Z'),
        ev('a', 4, 'guard_other', '2026-03-02T10:02:00.000Z'),
        ev('a', 5, 'guard.old', '2026-03-01T10:02:00.000Z'),
        ev('b', 1, 'auth.login_ok', '2026-03-02T10:00:00.000Z'),
      ])
      .execute();
    await env.db
      .insertInto('presence_changes')
      .values([
        { device_id: 'a', state: 'offline', at: '2026-03-02T09:59:00.000Z' },
        { device_id: 'a', state: 'online', at: '2026-03-02T10:00:00.000Z' },
        { device_id: 'a', state: 'offline', at: '2026-03-02T10:05:00.000Z' },
        { device_id: 'b', state: 'offline', at: '2026-03-01T10:05:00.000Z' },
      ])
      .execute();
  });
  after(() => env.close());

  it('counts events by exact type and by family, inside the window', async () => {
    const counts = await alertDataOn(env.db).eventCountsSince(
      ['auth.login_failed', 'guard.*'],
      '2026-03-02T00:00:00.000Z',
    );
    assert.deepEqual(Object.fromEntries(counts), { a: { 'auth.login_failed': 2, 'guard.write_blocked': 1 } });
  });

  it('reads drifted configuration and failed rollout jobs for the drift and rollout rule types', async () => {
    await env.db
      .insertInto('config_compliance')
      .values([
        {
          device_id: 'a',
          template_id: 'tpl_base',
          state: 'drifted',
          diff_json: '[]',
          reason: null,
          since: '2026-03-02T09:00:00.000Z',
          checked_at: '2026-03-02T09:00:00.000Z',
        },
        {
          device_id: 'b',
          template_id: 'tpl_base',
          state: 'compliant',
          diff_json: '[]',
          reason: null,
          since: '2026-03-02T09:00:00.000Z',
          checked_at: '2026-03-02T09:00:00.000Z',
        },
      ])
      .execute();
    const job = {
      wave: 0,
      reason: 'health_check_failed',
      last_error: null,
      attempt: 1,
      dispatched_at: null,
      first_dispatched_at: null,
      next_attempt_at: null,
      deadline_at: null,
      bytes: 0,
      total: 0,
      from_version: null,
      revert_state: 'none',
      created_at: '2026-03-02T08:00:00.000Z',
    };
    await env.db
      .insertInto('rollout_jobs')
      .values([
        {
          ...job,
          id: 'j1',
          rollout_id: 'rol_1',
          device_id: 'a',
          state: 'rolled_back',
          updated_at: '2026-03-02T10:00:00.000Z',
        },
        {
          ...job,
          id: 'j2',
          rollout_id: 'rol_1',
          device_id: 'b',
          state: 'succeeded',
          updated_at: '2026-03-02T10:00:00.000Z',
        },
        {
          ...job,
          id: 'j3',
          rollout_id: 'rol_0',
          device_id: 'b',
          state: 'failed',
          updated_at: '2026-02-01T10:00:00.000Z',
        },
      ])
      .execute();
    const data = alertDataOn(env.db);
    assert.deepEqual([...(await data.complianceIn(['drifted', 'error'])).keys()], ['a']);
    const failed = await data.failedJobsSince('2026-03-01T00:00:00.000Z');
    assert.deepEqual(Object.fromEntries(failed), {
      a: [{ rolloutId: 'rol_1', state: 'rolled_back', reason: 'health_check_failed', at: '2026-03-02T10:00:00.000Z' }],
    });
    const rule = BUILT_IN_RULE_TYPES.find((t) => t.type === 'rollout_failure')!;
    const dev = { id: 'a' } as DeviceSnapshot;
    assert.match(
      (rule.evaluate(dev, rule.parse({}), failed, Date.now()) as { text: string }).text,
      /rollout rol_1 rolled back \(health_check_failed\)/,
    );
    const drift = BUILT_IN_RULE_TYPES.find((t) => t.type === 'config_drift')!;
    assert.equal(
      drift.evaluate(dev, drift.parse({ states: ['drifted'] }), await data.complianceIn(['drifted']), Date.now())
        .status,
      'breach',
    );
  });

  it('counts offline transitions inside the window', async () => {
    assert.deepEqual(
      Object.fromEntries(await alertDataOn(env.db).offlineTransitionsSince('2026-03-02T00:00:00.000Z')),
      { a: 2 },
    );
  });
});
