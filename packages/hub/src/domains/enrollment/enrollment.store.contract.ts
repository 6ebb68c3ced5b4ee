import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EnrollmentToken } from '@outpost/protocol';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../storage/test-database.js';
import { createEnrollmentStore } from './enrollment.store.js';

const token = (over: Partial<EnrollmentToken> = {}): EnrollmentToken => ({
  id: 'enr_1',
  label: 'North plant batch',
  maxUses: 2,
  uses: 0,
  expiresAt: '2026-04-01T00:00:00.000Z',
  group: 'plant/north',
  tags: { site: 'north', 'line no': 'ä 1' },
  createdBy: 'ann',
  createdAt: '2026-03-01T00:00:00.000Z',
  revoked: false,
  ...over,
});

export function enrollmentStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`enrollment store contract (${name})`, () => {
    const db = freshDatabaseEachTest(open);

    it('reads back a token by id and by secret hash, tags intact and no uses', async () => {
      const store = createEnrollmentStore(db());
      await store.insert({ ...token({ uses: 5 }), secretHash: 'hash-1' });
      assert.deepEqual(await store.byId('enr_1'), token());
      assert.deepEqual(await store.bySecretHash('hash-1'), token());
      assert.equal(await store.byId('enr_x'), null);
      assert.equal(await store.bySecretHash('hash-x'), null);
    });

    it('keeps a token without a group', async () => {
      const store = createEnrollmentStore(db());
      await store.insert({ ...token({ group: null, tags: {} }), secretHash: 'hash-1' });
      assert.deepEqual(await store.byId('enr_1'), token({ group: null, tags: {} }));
    });

    it('refuses a second token with the same id or secret hash', async () => {
      const store = createEnrollmentStore(db());
      await store.insert({ ...token(), secretHash: 'hash-1' });
      await assert.rejects(store.insert({ ...token({ id: 'enr_2' }), secretHash: 'hash-1' }));
      await assert.rejects(store.insert({ ...token(), secretHash: 'hash-2' }));
    });

    it('lists tokens newest first', async () => {
      const store = createEnrollmentStore(db());
      await store.insert({ ...token({ id: 'e1', createdAt: '2026-03-01T00:00:00.000Z' }), secretHash: 'h1' });
      await store.insert({ ...token({ id: 'e3', createdAt: '2026-03-03T00:00:00.000Z' }), secretHash: 'h3' });
      await store.insert({ ...token({ id: 'e2', createdAt: '2026-03-02T00:00:00.000Z' }), secretHash: 'h2' });
      assert.deepEqual(
        (await store.list()).map((t) => t.id),
        ['e3', 'e2', 'e1'],
      );
    });

    it('spends uses until none is left', async () => {
      const store = createEnrollmentStore(db());
      await store.insert({ ...token({ maxUses: 2 }), secretHash: 'h1' });
      assert.equal(await store.spend('enr_1'), true);
      assert.equal(await store.spend('enr_1'), true);
      assert.equal(await store.spend('enr_1'), false);
      assert.equal(await store.spend('enr_x'), false);
      assert.equal((await store.byId('enr_1'))?.uses, 2);
    });

    it('lets only as many concurrent spends win as there are uses', async () => {
      const store = createEnrollmentStore(db());
      await store.insert({ ...token({ maxUses: 3 }), secretHash: 'h1' });
      const results = await Promise.all(Array.from({ length: 8 }, () => store.spend('enr_1')));
      assert.equal(results.filter(Boolean).length, 3);
    });

    it('revokes a token', async () => {
      const store = createEnrollmentStore(db());
      await store.insert({ ...token(), secretHash: 'h1' });
      await store.revoke('enr_1');
      assert.equal((await store.byId('enr_1'))?.revoked, true);
    });
  });
}
