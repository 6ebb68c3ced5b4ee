import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../storage/test-database.js';
import { alertDataOn } from './alert-engine.fixture.js';

export function alertDataStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`alert data store contract (${name})`, () => {
    const db = freshDatabaseEachTest(open);

    it('counts offline transitions per device since a time, inclusive', async () => {
      await db()
        .insertInto('presence_changes')
        .values([
          { device_id: 'a', state: 'offline', at: '2026-03-02T10:00:00.000Z' },
          { device_id: 'a', state: 'online', at: '2026-03-02T10:01:00.000Z' },
          { device_id: 'a', state: 'offline', at: '2026-03-02T10:02:00.000Z' },
          { device_id: 'b', state: 'offline', at: '2026-03-02T09:59:59.999Z' },
        ])
        .execute();
      const data = alertDataOn(db());
      assert.deepEqual(await data.offlineTransitionsSince('2026-03-02T10:00:00.000Z'), new Map([['a', 2]]));
      assert.deepEqual(await data.offlineTransitionsSince('2026-03-03T00:00:00.000Z'), new Map());
    });

    it('counts events by exact type and by family, the family not matching a longer prefix', async () => {
      const ev = (device_id: string, seq: number, type: string, ts = '2026-03-02T10:00:00.000Z') => ({
        device_id,
        seq,
        type,
        ts,
        received_at: ts,
        severity: 'warning',
        data_json: '{}',
      });
      await db()
        .insertInto('device_events')
        .values([
          ev('a', 1, 'auth.login_failed'),
          ev('a', 2, 'auth.login_failed'),
          ev('a', 3, 'guard.write_blocked'),
          ev('a', 4, 'guard.exec_blocked'),
          ev('a', 5, 'guardian.x'),
          ev('a', 6, 'guard.old', '2026-03-01T00:00:00.000Z'),
          ev('b', 1, 'auth.login_ok'),
        ])
        .execute();
      const data = alertDataOn(db());
      const counts = await data.eventCountsSince(['auth.login_failed', 'guard.*'], '2026-03-02T00:00:00.000Z');
      assert.deepEqual(
        counts,
        new Map([['a', { 'auth.login_failed': 2, 'guard.write_blocked': 1, 'guard.exec_blocked': 1 }]]),
      );
      assert.deepEqual(
        await data.eventCountsSince(['auth.*'], '2026-03-02T00:00:00.000Z'),
        new Map([
          ['a', { 'auth.login_failed': 2 }],
          ['b', { 'auth.login_ok': 1 }],
        ]),
      );
    });

    it('groups compliance rows in the asked states per device, oldest first', async () => {
      const row = (device_id: string, template_id: string, state: string, since: string) => ({
        device_id,
        template_id,
        state,
        diff_json: '[]',
        reason: null,
        since,
        checked_at: since,
      });
      await db()
        .insertInto('config_compliance')
        .values([
          row('a', 'tpl_2', 'error', '2026-03-02T10:00:00.000Z'),
          row('a', 'tpl_1', 'drifted', '2026-03-02T09:00:00.000Z'),
          row('b', 'tpl_1', 'compliant', '2026-03-02T09:00:00.000Z'),
        ])
        .execute();
      const data = alertDataOn(db());
      assert.deepEqual(
        await data.complianceIn(['drifted', 'error']),
        new Map([
          [
            'a',
            [
              { source: 'tpl_1', state: 'drifted', since: '2026-03-02T09:00:00.000Z' },
              { source: 'tpl_2', state: 'error', since: '2026-03-02T10:00:00.000Z' },
            ],
          ],
        ]),
      );
      assert.deepEqual(await data.complianceIn(['pending']), new Map());
    });

    it('groups failed and rolled-back rollout jobs since a time per device', async () => {
      const job = (id: string, device_id: string, state: string, updated_at: string) => ({
        id,
        rollout_id: 'rol_1',
        device_id,
        state,
        wave: 0,
        reason: state === 'succeeded' ? null : 'health_check_failed',
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
        updated_at,
      });
      await db()
        .insertInto('rollout_jobs')
        .values([
          job('j1', 'a', 'rolled_back', '2026-03-02T10:00:00.000Z'),
          job('j2', 'b', 'succeeded', '2026-03-02T10:00:00.000Z'),
          job('j3', 'c', 'failed', '2026-02-01T10:00:00.000Z'),
        ])
        .execute();
      const data = alertDataOn(db());
      assert.deepEqual(
        await data.failedJobsSince('2026-03-01T00:00:00.000Z'),
        new Map([
          [
            'a',
            [
              {
                rolloutId: 'rol_1',
                state: 'rolled_back',
                reason: 'health_check_failed',
                at: '2026-03-02T10:00:00.000Z',
              },
            ],
          ],
        ]),
      );
    });
  });
}
