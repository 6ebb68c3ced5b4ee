import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../storage/test-database.js';
import { createCertRenewalsStore } from './cert-renewals.store.js';

const AT = (s: number) => new Date(Date.UTC(2026, 11, 1, 0, 0, s)).toISOString();

export function certRenewalsStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`certificate renewals store contract (${name})`, () => {
    const db = freshDatabaseEachTest(open);

    it('completes a renewal only with the pending serial, once, resetting failures and refusals', async () => {
      const s = createCertRenewalsStore(db());
      await s.enrolled('dev_a', 'key-1');
      await s.failed('dev_a', 'no_answer', AT(1));
      await s.refused('dev_a', 'certificate_superseded', AT(2));
      await s.issued('dev_a', 'serial-2', 'key-2', AT(3));
      assert.equal(await s.completeIfPending('dev_a', 'serial-1', AT(4)), false);
      assert.equal(await s.completeIfPending('dev_b', 'serial-2', AT(4)), false);
      assert.equal(await s.completeIfPending('dev_a', 'serial-2', AT(5)), true);
      assert.equal(await s.completeIfPending('dev_a', 'serial-2', AT(6)), false);
      const row = await s.get('dev_a');
      assert.deepEqual(
        [row?.state, row?.pendingSerial, row?.renewedAt, row?.renewals, row?.failures, row?.refusedReason],
        ['renewed', null, AT(5), 1, 0, null],
      );
      assert.equal(row?.keySha256, 'key-2');
      assert.equal(row?.lastIssuedAt, AT(3));
    });

    it('counts failures in a row, also for a device without a row yet, and lists the failing ones', async () => {
      const s = createCertRenewalsStore(db());
      await s.failed('dev_a', 'csr_invalid', AT(1));
      await s.failed('dev_a', 'no_answer', AT(2));
      await s.failed('dev_a', 'no_answer', AT(3));
      await s.failed('dev_b', 'no_answer', AT(3));
      const a = await s.get('dev_a');
      assert.deepEqual([a?.state, a?.failures, a?.lastFailure, a?.lastFailureAt], ['failed', 3, 'no_answer', AT(3)]);
      assert.deepEqual(
        (await s.failing(2, 10)).map((r) => r.deviceId),
        ['dev_a'],
      );
      assert.deepEqual(
        (await s.failing(1, 10)).map((r) => [r.deviceId, r.failures]),
        [
          ['dev_a', 3],
          ['dev_b', 1],
        ],
      );
      assert.deepEqual([await s.failingCount(1), await s.failingCount(2), await s.failingCount(4)], [2, 1, 0]);
    });

    it('starts afresh on (re-)enrollment', async () => {
      const s = createCertRenewalsStore(db());
      await s.issued('dev_a', 'serial-2', 'key-2', AT(1));
      await s.refused('dev_a', 'certificate_expired', AT(2));
      await s.enrolled('dev_a', 'key-3');
      const row = await s.get('dev_a');
      assert.deepEqual(
        [row?.state, row?.pendingSerial, row?.refusedReason, row?.keySha256, row?.lastIssuedAt],
        ['none', null, null, 'key-3', null],
      );
    });
  });
}
