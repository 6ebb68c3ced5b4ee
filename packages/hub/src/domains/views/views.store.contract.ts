import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../storage/test-database.js';
import { createUsersStore } from '../users/users.store.js';
import { createViewsStore, type StoredView } from './views.store.js';

const view = (over: Partial<StoredView> = {}): StoredView => ({
  id: 'view_1',
  ownerId: 'usr_ann',
  owner: 'ann',
  name: 'Offline pumps',
  shared: false,
  filter: 'presence:offline model:pump',
  sort: 'last_seen',
  order: 'desc',
  columns: ['name', 'presence', 'last_seen'],
  createdAt: '2026-03-02T10:00:00.000Z',
  updatedAt: '2026-03-02T10:00:00.000Z',
  ...over,
});

export function viewsStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`views store contract (${name})`, () => {
    const db = freshDatabaseEachTest(open);
    const setup = async () => {
      const users = createUsersStore(db());
      const user = {
        role: 'operator' as const,
        disabled: false,
        createdAt: '2026-03-01T00:00:00.000Z',
        lastLoginAt: null,
        passwordHash: 'h',
      };
      await users.insert({ ...user, id: 'usr_ann', username: 'ann' });
      await users.insert({ ...user, id: 'usr_bob', username: 'bob' });
      return createViewsStore(db());
    };

    it('reads back an inserted view by id and by owner and name, columns and flags intact', async () => {
      const views = await setup();
      await views.insert(view());
      assert.deepEqual(await views.byId('view_1'), view());
      assert.deepEqual(await views.byOwnerAndName('usr_ann', 'Offline pumps'), view());
    });

    it('returns null for an unknown id, another owner, or another name', async () => {
      const views = await setup();
      await views.insert(view());
      assert.equal(await views.byId('view_nope'), null);
      assert.equal(await views.byOwnerAndName('usr_bob', 'Offline pumps'), null);
      assert.equal(await views.byOwnerAndName('usr_ann', 'offline pumps'), null);
    });

    it('names the owner "(deleted user)" once the owning user is gone', async () => {
      const views = await setup();
      await views.insert(view({ ownerId: 'usr_gone' }));
      assert.equal((await views.byId('view_1'))?.owner, '(deleted user)');
    });

    it('refuses a second view of the same name for one owner, allows it for another', async () => {
      const views = await setup();
      await views.insert(view());
      await assert.rejects(views.insert(view({ id: 'view_2' })));
      await views.insert(view({ id: 'view_3', ownerId: 'usr_bob', owner: 'bob' }));
      assert.equal(await views.countOf('usr_bob'), 1);
    });

    it('shows an owner their own views and every shared one, by name then id', async () => {
      const views = await setup();
      await views.insert(view({ id: 'v_a', name: 'Zeta' }));
      await views.insert(view({ id: 'v_b', ownerId: 'usr_bob', owner: 'bob', name: 'Alpha', shared: true }));
      await views.insert(view({ id: 'v_c', ownerId: 'usr_bob', owner: 'bob', name: 'Private' }));
      await views.insert(view({ id: 'v_d', name: 'Alpha' }));
      assert.deepEqual(
        (await views.visibleTo('usr_ann')).map((v) => v.id),
        ['v_b', 'v_d', 'v_a'],
      );
      assert.deepEqual(
        (await views.visibleTo('usr_bob')).map((v) => v.id),
        ['v_b', 'v_c'],
      );
      assert.deepEqual(await views.visibleTo('usr_nobody'), [await views.byId('v_b')]);
    });

    it("counts only the owner's views", async () => {
      const views = await setup();
      assert.equal(await views.countOf('usr_ann'), 0);
      await views.insert(view({ id: 'v_a', name: 'A' }));
      await views.insert(view({ id: 'v_b', name: 'B', shared: true }));
      await views.insert(view({ id: 'v_c', ownerId: 'usr_bob', name: 'C' }));
      assert.equal(await views.countOf('usr_ann'), 2);
    });

    it('updates name, sharing, filter, sort, order, columns and update time, keeping owner and creation', async () => {
      const views = await setup();
      await views.insert(view());
      const patch = {
        name: 'All gateways',
        shared: true,
        filter: 'model:gateway',
        sort: 'name' as const,
        order: 'asc' as const,
        columns: ['name'],
        updatedAt: '2026-03-03T08:00:00.000Z',
      };
      await views.update('view_1', patch);
      assert.deepEqual(await views.byId('view_1'), view(patch));
      await views.update('view_nope', patch);
      assert.equal(await views.countOf('usr_ann'), 1);
    });

    it('removes a view and leaves the others', async () => {
      const views = await setup();
      await views.insert(view({ id: 'v_a', name: 'A' }));
      await views.insert(view({ id: 'v_b', name: 'B' }));
      await views.remove('v_a');
      await views.remove('v_nope');
      assert.equal(await views.byId('v_a'), null);
      assert.deepEqual(
        (await views.visibleTo('usr_ann')).map((v) => v.id),
        ['v_b'],
      );
    });
  });
}
