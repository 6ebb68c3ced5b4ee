import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Group } from '@outpost/protocol';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../storage/test-database.js';
import { createGroupsStore } from './groups.store.js';
import { groupGroupReferences } from './group-references.js';
import { renameGroupInFilter, renamedPath } from '../devices/index.js';

const northToEast = {
  from: 'north',
  to: 'east',
  path: (p: string) => renamedPath(p, 'north', 'east'),
  filter: (t: string) => renameGroupInFilter(t, 'north', 'east'),
};

const group = (over: Partial<Group> = {}): Group => ({
  id: 'grp_plant',
  kind: 'static',
  path: 'plant',
  filter: null,
  description: 'Main plant',
  createdAt: '2026-03-02T10:00:00.000Z',
  ...over,
});

export function groupsStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`groups store contract (${name})`, () => {
    const db = freshDatabaseEachTest(open);

    it('reads back an inserted static and dynamic group by path', async () => {
      const groups = createGroupsStore(db());
      await groups.insert(group());
      const dynamic = group({
        id: 'grp_dyn',
        kind: 'dynamic',
        path: 'plant/pumps',
        filter: 'model:pump',
        description: '',
      });
      await groups.insert(dynamic);
      assert.deepEqual(await groups.byPath('plant'), group());
      assert.deepEqual(await groups.byPath('plant/pumps'), dynamic);
      assert.equal(await groups.byPath('plant/none'), null);
    });

    it('refuses a second group on the same path', async () => {
      const groups = createGroupsStore(db());
      await groups.insert(group());
      await assert.rejects(groups.insert(group({ id: 'grp_other' })));
      assert.equal((await groups.list()).length, 1);
    });

    it('finds several groups by path, ignoring unknown paths and an empty list', async () => {
      const groups = createGroupsStore(db());
      await groups.insert(group());
      await groups.insert(group({ id: 'grp_b', path: 'b' }));
      const found = await groups.byPaths(['b', 'plant', 'nope']);
      assert.deepEqual(found.map((g) => g.id).sort(), ['grp_b', 'grp_plant']);
      assert.deepEqual(await groups.byPaths([]), []);
    });

    it('lists every group ordered by path', async () => {
      const groups = createGroupsStore(db());
      for (const path of ['site/b', 'alpha', 'site', 'site/a']) await groups.insert(group({ id: `grp_${path}`, path }));
      assert.deepEqual(
        (await groups.list()).map((g) => g.path),
        ['alpha', 'site', 'site/a', 'site/b'],
      );
    });

    it('updates the filter and the description separately', async () => {
      const groups = createGroupsStore(db());
      await groups.insert(group({ kind: 'dynamic', filter: 'model:a' }));
      await groups.update('grp_plant', { filter: 'model:b' });
      assert.deepEqual(await groups.byPath('plant'), group({ kind: 'dynamic', filter: 'model:b' }));
      await groups.update('grp_plant', { description: 'Renamed' });
      assert.deepEqual(
        await groups.byPath('plant'),
        group({ kind: 'dynamic', filter: 'model:b', description: 'Renamed' }),
      );
    });

    it('adds members once each and counts only the rows it added', async () => {
      const groups = createGroupsStore(db());
      await groups.insert(group());
      assert.equal(await groups.addMembers('grp_plant', ['d1', 'd2']), 2);
      assert.equal(await groups.addMembers('grp_plant', ['d2', 'd3']), 1);
      assert.equal(await groups.addMembers('grp_plant', []), 0);
      assert.deepEqual(await groups.memberCounts(), new Map([['grp_plant', 3]]));
    });

    it('adds and removes more members than one statement chunk', async () => {
      const groups = createGroupsStore(db());
      await groups.insert(group());
      const ids = Array.from({ length: 1203 }, (_, i) => `dev_${String(i).padStart(4, '0')}`);
      assert.equal(await groups.addMembers('grp_plant', ids), 1203);
      assert.equal((await groups.pathsOf(ids)).size, 1203);
      assert.equal(await groups.removeMembers('grp_plant', ids.slice(0, 700)), 700);
      assert.deepEqual(await groups.memberCounts(), new Map([['grp_plant', 503]]));
    });

    it('removes members, counting only those that were members', async () => {
      const groups = createGroupsStore(db());
      await groups.insert(group());
      await groups.insert(group({ id: 'grp_b', path: 'b' }));
      await groups.addMembers('grp_plant', ['d1', 'd2']);
      await groups.addMembers('grp_b', ['d1']);
      assert.equal(await groups.removeMembers('grp_plant', ['d1', 'd9']), 1);
      assert.equal(await groups.removeMembers('grp_plant', []), 0);
      assert.deepEqual(
        await groups.memberCounts(),
        new Map([
          ['grp_plant', 1],
          ['grp_b', 1],
        ]),
      );
    });

    it('maps each device to the sorted paths of its groups, leaving out devices in none', async () => {
      const groups = createGroupsStore(db());
      await groups.insert(group({ id: 'grp_z', path: 'zone' }));
      await groups.insert(group({ id: 'grp_a', path: 'area' }));
      await groups.addMembers('grp_z', ['d1', 'd2']);
      await groups.addMembers('grp_a', ['d1']);
      assert.deepEqual(
        await groups.pathsOf(['d1', 'd2', 'd3']),
        new Map([
          ['d1', ['area', 'zone']],
          ['d2', ['zone']],
        ]),
      );
      assert.deepEqual(await groups.pathsOf([]), new Map());
    });

    it('lists the groups at or below a path, not those sharing its prefix', async () => {
      const groups = createGroupsStore(db());
      for (const path of ['north', 'north/a', 'northwest', 'north_x'])
        await groups.insert(group({ id: `grp_${path}`, path }));
      assert.deepEqual(
        (await groups.atOrBelow('north')).map((g) => g.path),
        ['north', 'north/a'],
      );
    });

    it('renames paths and dynamic filters in one transaction, and rolls all of it back when refused', async () => {
      const groups = createGroupsStore(db());
      await groups.insert(group({ id: 'grp_n', path: 'north' }));
      await groups.insert(group({ id: 'grp_na', path: 'north/a' }));
      await groups.insert(group({ id: 'grp_d', path: 'dyn', kind: 'dynamic', filter: 'group = north' }));
      await groups.addMembers('grp_na', ['d1']);
      const refused = await groups.renameIn([groupGroupReferences], northToEast, () => false);
      assert.equal(refused.get('groups')?.changed, 3);
      assert.deepEqual(
        (await groups.list()).map((g) => g.path),
        ['dyn', 'north', 'north/a'],
      );
      const done = await groups.renameIn([groupGroupReferences], northToEast, () => true);
      assert.deepEqual(done.get('groups'), { changed: 3, refused: [] });
      assert.deepEqual(
        (await groups.list()).map((g) => [g.path, g.filter]),
        [
          ['dyn', 'group = "east"'],
          ['east', null],
          ['east/a', null],
        ],
      );
      assert.deepEqual(await groups.pathsOf(['d1']), new Map([['d1', ['east/a']]]));
    });

    it('removes a group with its memberships', async () => {
      const groups = createGroupsStore(db());
      await groups.insert(group());
      await groups.addMembers('grp_plant', ['d1']);
      await groups.remove('grp_plant');
      assert.equal(await groups.byPath('plant'), null);
      assert.deepEqual(await groups.memberCounts(), new Map());
      assert.deepEqual(await groups.pathsOf(['d1']), new Map());
    });
  });
}
