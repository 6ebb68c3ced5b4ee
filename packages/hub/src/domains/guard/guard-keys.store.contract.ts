import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { GuardKeyEndorsement } from '@outpost/protocol';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../storage/test-database.js';
import { createGuardKeysStore, GRANT_KEY_ID, type KeyRotation } from './guard-keys.store.js';
import { createGuardStore } from './guard.store.js';

const endorsement = (n: number): GuardKeyEndorsement => ({
  key: `PUB-${n}`,
  previous: String(n - 1)
    .repeat(64)
    .slice(0, 64),
  issuedAt: Date.parse('2026-03-02T10:00:00.000Z') + n,
  signature: `sig-${n}`,
});

const rotation = (from: number, to: number): KeyRotation => ({
  oldPublicPem: `PUB-${from}`,
  newPublicPem: `PUB-${to}`,
  newPrivateEnc: `ENC-${to}`,
  endorsement: endorsement(to),
  rotatedBy: 'ann',
  reason: `rotation ${to}`,
});

export function guardKeysStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`guard keys store contract (${name})`, () => {
    const db = freshDatabaseEachTest(open);
    const setup = async () => {
      await createGuardStore(db()).insertKey(GRANT_KEY_ID, 'PUB-1', 'ENC-1', '2026-03-01T00:00:00.000Z');
      return createGuardKeysStore(db());
    };

    it('rotates the key in force once per old key and records each endorsement', async () => {
      const keys = await setup();
      assert.deepEqual(await keys.endorsements(10), []);
      assert.equal(await keys.rotate(rotation(1, 2)), true);
      assert.equal(await keys.rotate(rotation(1, 3)), false, 'the old key is no longer in force');
      assert.deepEqual(await createGuardStore(db()).key(GRANT_KEY_ID), { publicPem: 'PUB-2', privateEnc: 'ENC-2' });
      assert.deepEqual(await keys.endorsements(10), [{ ...endorsement(2), rotatedBy: 'ann', reason: 'rotation 2' }]);
    });

    it('refuses to rotate when no key exists', async () => {
      const keys = createGuardKeysStore(db());
      assert.equal(await keys.rotate(rotation(1, 2)), false);
      assert.deepEqual(await keys.endorsements(10), []);
    });

    it('returns the last endorsements, oldest first', async () => {
      const keys = await setup();
      for (let n = 2; n <= 5; n++) assert.equal(await keys.rotate(rotation(n - 1, n)), true);
      assert.deepEqual(
        (await keys.endorsements(2)).map((e) => e.key),
        ['PUB-4', 'PUB-5'],
      );
      assert.deepEqual(
        (await keys.endorsements(10)).map((e) => e.issuedAt),
        [2, 3, 4, 5].map((n) => endorsement(n).issuedAt),
      );
    });

    it('re-signs grants with new signatures', async () => {
      const keys = await setup();
      const guard = createGuardStore(db());
      const g = {
        deviceId: 'd1',
        unit: 1,
        table: 'coil' as const,
        start: 0,
        end: 1,
        notBefore: 0,
        expiresAt: Date.parse('2027-01-01T00:00:00.000Z'),
        reason: '',
        grantedBy: 'ann',
      };
      await guard.insertGrant({ ...g, id: 'g1', signature: 'old-1' }, '2026-03-02T00:00:00.000Z');
      await guard.insertGrant({ ...g, id: 'g2', signature: 'old-2' }, '2026-03-02T00:00:00.000Z');
      await keys.resign([]);
      await keys.resign([{ id: 'g1', signature: 'new-1' }]);
      assert.equal((await guard.grant('g1', '2026-03-02T00:00:00.000Z'))?.signature, 'new-1');
      assert.equal((await guard.grant('g2', '2026-03-02T00:00:00.000Z'))?.signature, 'old-2');
    });
  });
}
