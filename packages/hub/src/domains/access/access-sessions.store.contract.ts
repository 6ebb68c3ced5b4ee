import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../storage/test-database.js';
import { createAccessSessionsStore, toSession, type SessionRow } from './access-sessions.store.js';

const session = (over: Partial<SessionRow> = {}): SessionRow => ({
  id: 'acs_1',
  device_id: 'dev_a',
  target: 'tcp/443',
  policy_id: 'pol_1',
  state: 'requested',
  reason: 'check pressure',
  requested_by: 'ann',
  requested_by_user: 'usr_ann',
  requested_at: '2026-03-02T10:00:00.000Z',
  duration_s: 1800,
  approved_by: null,
  approved_at: null,
  opened_at: null,
  started_at: null,
  ended_at: null,
  deadline: '2026-03-02T10:15:00.000Z',
  expires_at: null,
  close_reason: null,
  operator_token_hash: 'op-hash',
  operator_token_used_at: null,
  device_token_hash: 'dev-hash',
  device_token_used_at: null,
  bytes_to_device: 0,
  bytes_from_device: 0,
  streams: 0,
  recording_kind: null,
  recording_path: null,
  recording_sha256: null,
  recording_bytes: 0,
  recording_deleted_at: null,
  relay_url: null,
  ...over,
});

export function accessSessionsStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`access sessions store contract (${name})`, () => {
    const db = freshDatabaseEachTest(open);

    it('reads back a session row and its public shape, large byte counts intact', async () => {
      const store = createAccessSessionsStore(db());
      const big = session({
        bytes_to_device: 5_000_000_000,
        recording_kind: 'pcap',
        recording_path: '/rec/acs_1.pcap',
        recording_sha256: 'ab',
        recording_bytes: 3_000_000_000,
      });
      await store.insert(big);
      const read = await store.get('acs_1');
      assert.deepEqual(read, big);
      assert.equal(await store.get('acs_x'), null);
      const pub = toSession(read!);
      assert.equal(pub.bytesToDevice, 5_000_000_000);
      assert.deepEqual(pub.recording, { kind: 'pcap', sha256: 'ab', bytes: 3_000_000_000, deletedAt: null });
    });

    it('refuses a second session with the same id', async () => {
      const store = createAccessSessionsStore(db());
      await store.insert(session());
      await assert.rejects(store.insert(session()));
    });

    it('lists newest first by device, states, requester and before a time, up to a limit', async () => {
      const store = createAccessSessionsStore(db());
      await store.insert(session({ id: 's1', requested_at: '2026-03-02T10:00:00.000Z' }));
      await store.insert(session({ id: 's2', requested_at: '2026-03-02T11:00:00.000Z', state: 'active' }));
      await store.insert(
        session({
          id: 's3',
          requested_at: '2026-03-02T11:00:00.000Z',
          device_id: 'dev_b',
          requested_by_user: 'usr_bob',
        }),
      );
      const ids = async (q: Parameters<typeof store.list>[0]) => (await store.list(q)).map((s) => s.id);
      assert.deepEqual(await ids({ limit: 10 }), ['s3', 's2', 's1']);
      assert.deepEqual(await ids({ limit: 1 }), ['s3']);
      assert.deepEqual(await ids({ limit: 10, deviceId: 'dev_a' }), ['s2', 's1']);
      assert.deepEqual(await ids({ limit: 10, states: ['active', 'approved'] }), ['s2']);
      assert.deepEqual(await ids({ limit: 10, requestedByUser: 'usr_bob' }), ['s3']);
      assert.deepEqual(await ids({ limit: 10, before: '2026-03-02T11:00:00.000Z' }), ['s1']);
    });

    it('transitions only from the given states', async () => {
      const store = createAccessSessionsStore(db());
      await store.insert(session());
      const approve = {
        state: 'approved',
        approved_by: 'bob',
        approved_at: '2026-03-02T10:01:00.000Z',
        deadline: '2026-03-02T10:06:00.000Z',
      };
      assert.equal(await store.transition('acs_1', ['requested'], approve), true);
      assert.equal(await store.transition('acs_1', ['requested'], { state: 'denied' }), false);
      assert.equal(await store.transition('acs_x', ['requested'], { state: 'denied' }), false);
      assert.deepEqual(await store.get('acs_1'), session(approve));
    });

    it("spends each leg's token once, only with its hash and only while approved", async () => {
      const store = createAccessSessionsStore(db());
      await store.insert(session());
      const at = '2026-03-02T10:02:00.000Z';
      assert.equal(await store.spendToken('acs_1', 'operator', 'op-hash', at), false, 'not approved yet');
      await store.transition('acs_1', ['requested'], { state: 'approved' });
      assert.equal(await store.spendToken('acs_1', 'operator', 'dev-hash', at), false);
      assert.equal(await store.spendToken('acs_1', 'operator', 'op-hash', at), true);
      assert.equal(await store.spendToken('acs_1', 'operator', 'op-hash', at), false);
      assert.equal(await store.spendToken('acs_1', 'device', 'dev-hash', at), true);
      const r = await store.get('acs_1');
      assert.deepEqual([r?.operator_token_used_at, r?.device_token_used_at], [at, at]);
    });

    it('counts approved and active sessions of a device under a policy', async () => {
      const store = createAccessSessionsStore(db());
      await store.insert(session({ id: 's1', state: 'approved' }));
      await store.insert(session({ id: 's2', state: 'active' }));
      await store.insert(session({ id: 's3', state: 'requested' }));
      await store.insert(session({ id: 's4', state: 'closed' }));
      await store.insert(session({ id: 's5', state: 'active', policy_id: 'pol_2' }));
      assert.equal(await store.countLive('dev_a', 'pol_1'), 2);
      assert.equal(await store.countLive('dev_b', 'pol_1'), 0);
    });

    it('finds live sessions past their deadline, earliest first, up to a limit', async () => {
      const store = createAccessSessionsStore(db());
      await store.insert(session({ id: 's1', deadline: '2026-03-02T10:05:00.000Z' }));
      await store.insert(session({ id: 's2', deadline: '2026-03-02T10:01:00.000Z', state: 'active' }));
      await store.insert(session({ id: 's3', deadline: '2026-03-02T10:00:00.000Z', state: 'closed' }));
      await store.insert(session({ id: 's4', deadline: '2026-03-02T10:30:00.000Z' }));
      assert.deepEqual(
        (await store.due('2026-03-02T10:05:00.000Z', 10)).map((s) => s.id),
        ['s2', 's1'],
      );
      assert.deepEqual(
        (await store.due('2026-03-02T10:05:00.000Z', 1)).map((s) => s.id),
        ['s2'],
      );
    });

    it('finds recordings of sessions ended before a time that are not deleted yet', async () => {
      const store = createAccessSessionsStore(db());
      const rec = { recording_kind: 'asciicast', recording_path: '/rec/x.cast' };
      await store.insert(session({ id: 's1', ...rec, ended_at: '2026-03-01T00:00:00.000Z' }));
      await store.insert(
        session({
          id: 's2',
          ...rec,
          ended_at: '2026-03-01T00:00:00.000Z',
          recording_deleted_at: '2026-03-02T00:00:00.000Z',
        }),
      );
      await store.insert(session({ id: 's3', ...rec, ended_at: '2026-03-05T00:00:00.000Z' }));
      await store.insert(session({ id: 's4', ended_at: '2026-03-01T00:00:00.000Z' }));
      assert.deepEqual(await store.recordingsEndedBefore('2026-03-03T00:00:00.000Z', 10), [
        { id: 's1', path: '/rec/x.cast' },
      ]);
      assert.deepEqual(await store.recordingsEndedBefore('2026-03-03T00:00:00.000Z', 0), []);
    });

    it('keeps access settings by key, overwriting', async () => {
      const store = createAccessSessionsStore(db());
      assert.equal(await store.setting('recording.retention_days'), null);
      await store.putSetting('recording.retention_days', '30', 'ann', '2026-03-02T10:00:00.000Z');
      await store.putSetting('recording.retention_days', '7', 'bob', '2026-03-03T10:00:00.000Z');
      assert.equal(await store.setting('recording.retention_days'), '7');
    });
  });
}
