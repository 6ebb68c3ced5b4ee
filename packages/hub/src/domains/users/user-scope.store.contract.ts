import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../storage/test-database.js';
import { createUserScopeStore } from './user-scope.store.js';

export function userScopeStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`user scope store contract (${name})`, () => {
    const db = freshDatabaseEachTest(open);

    it('has no scope for a user never set', async () => {
      const scopes = createUserScopeStore(db());
      assert.deepEqual(await scopes.of('usr_ann'), []);
      assert.deepEqual(await scopes.all(), new Map());
    });

    it("sets a user's group paths and reads them sorted", async () => {
      const scopes = createUserScopeStore(db());
      await scopes.set('usr_ann', ['site/b', 'site/a']);
      await scopes.set('usr_bob', ['plant']);
      assert.deepEqual(await scopes.of('usr_ann'), ['site/a', 'site/b']);
      const all = await scopes.all();
      assert.deepEqual([...all.keys()].sort(), ['usr_ann', 'usr_bob']);
      assert.deepEqual(all.get('usr_ann')?.sort(), ['site/a', 'site/b']);
      assert.deepEqual(all.get('usr_bob'), ['plant']);
    });

    it('replaces the previous scope, and an empty list clears it', async () => {
      const scopes = createUserScopeStore(db());
      await scopes.set('usr_ann', ['a', 'b']);
      await scopes.set('usr_ann', ['c']);
      assert.deepEqual(await scopes.of('usr_ann'), ['c']);
      await scopes.set('usr_ann', []);
      assert.deepEqual(await scopes.of('usr_ann'), []);
      assert.deepEqual(await scopes.all(), new Map());
    });
  });
}
