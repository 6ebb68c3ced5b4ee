import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDb } from '../monitoring/monitoring.fixture.js';
import { createAlertDataStore } from './alert-data.store.js';

describe('alert data queries', () => {
  let env: Awaited<ReturnType<typeof testDb>>;
  before(async () => {
    env = await testDb();
    const ev = (device_id: string, seq: number, type: string, ts: string) => ({ device_id, seq, type, ts, received_at: ts, severity: 'warning', data_json: '{}' });
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
    const counts = await createAlertDataStore(env.db).eventCountsSince(['auth.login_failed', 'guard.*'], '2026-03-02T00:00:00.000Z');
    assert.deepEqual(Object.fromEntries(counts), { a: { 'auth.login_failed': 2, 'guard.write_blocked': 1 } });
  });

  it('counts offline transitions inside the window', async () => {
    assert.deepEqual(Object.fromEntries(await createAlertDataStore(env.db).offlineTransitionsSince('2026-03-02T00:00:00.000Z')), { a: 2 });
  });
});
