import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../storage/test-database.js';
import { createSiemStore, type StoredSink } from './siem.store.js';

const sink = (over: Partial<StoredSink> = {}): StoredSink => ({
  id: 'siem_1',
  name: 'soc',
  kind: 'syslog-tls',
  config: { host: 'siem.example.net', port: 6514 },
  secretEnc: null,
  enabled: true,
  createdBy: 'usr_admin',
  createdAt: '2026-12-07T00:00:00.000Z',
  updatedAt: '2026-12-07T00:00:00.000Z',
  failures: 0,
  nextAttemptAt: null,
  failingSince: null,
  lastError: null,
  lastDeliveredAt: null,
  deliveredTotal: 0,
  alertedAt: null,
  ...over,
});

export function siemStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`SIEM store contract (${name})`, () => {
    const db = freshDatabaseEachTest(open);

    it('stores a sink with its starting cursors and reads it back by id and name', async () => {
      const store = createSiemStore(db());
      await store.insert(sink(), { audit: '17' });
      assert.deepEqual(await store.get('siem_1'), sink());
      assert.deepEqual(await store.byName('soc'), sink());
      assert.equal(await store.get('siem_2'), null);
      assert.deepEqual(await store.cursors('siem_1'), { audit: '17' });
    });

    it('refuses a second sink of the same name', async () => {
      const store = createSiemStore(db());
      await store.insert(sink(), {});
      await assert.rejects(store.insert(sink({ id: 'siem_2' }), {}), /UNIQUE|unique/);
      assert.equal((await store.list()).length, 1);
    });

    it('advances a cursor, counts what was delivered and clears the failure state in one step (the alert stays until the service resolves it)', async () => {
      const store = createSiemStore(db());
      await store.insert(sink(), {});
      await store.setState('siem_1', {
        failures: 3,
        failingSince: '2026-12-07T00:01:00.000Z',
        lastError: 'connect ECONNREFUSED',
        nextAttemptAt: '2026-12-07T00:02:00.000Z',
        alertedAt: '2026-12-07T00:06:00.000Z',
      });
      assert.equal((await store.get('siem_1'))!.failures, 3);
      await store.advance('siem_1', 'audit', '25', 25, '2026-12-07T00:07:00.000Z');
      await store.advance('siem_1', 'audit', '30', 5, '2026-12-07T00:07:01.000Z');
      await store.advance('siem_1', 'checkpoints', '256', 1, '2026-12-07T00:07:02.000Z');
      assert.deepEqual(await store.cursors('siem_1'), { audit: '30', checkpoints: '256' });
      const s = (await store.get('siem_1'))!;
      assert.deepEqual(
        [s.deliveredTotal, s.failures, s.failingSince, s.lastError, s.nextAttemptAt, s.alertedAt, s.lastDeliveredAt],
        [31, 0, null, null, null, '2026-12-07T00:06:00.000Z', '2026-12-07T00:07:02.000Z'],
      );
    });

    it('updates settings and removes a sink with its cursors', async () => {
      const store = createSiemStore(db());
      await store.insert(sink(), { audit: '3' });
      await store.update('siem_1', {
        name: 'soc-2',
        enabled: false,
        secretEnc: 'sealed',
        config: { host: 'h', port: 1 },
      });
      const s = (await store.get('siem_1'))!;
      assert.deepEqual([s.name, s.enabled, s.secretEnc, s.config], ['soc-2', false, 'sealed', { host: 'h', port: 1 }]);
      assert.equal(await store.remove('siem_1'), true);
      assert.equal(await store.remove('siem_1'), false);
      assert.deepEqual(await store.cursors('siem_1'), {});
      assert.deepEqual(await store.list(), []);
    });
  });
}
