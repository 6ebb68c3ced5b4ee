import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { GroupRename } from '../../platform/group-rename.js';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../storage/test-database.js';
import { renameGroupInFilter, renamedPath } from '../devices/index.js';
import { createGeofencesStore, type StoredGeofence } from './geofences.store.js';
import { geofenceGroupReferences } from './group-references.js';

const AT = '2026-12-07T12:00:00.000Z';
const fence = (id: string, over: Partial<StoredGeofence> = {}): StoredGeofence => ({
  id,
  name: id,
  group: 'plant/pumps',
  deviceId: null,
  shape: { kind: 'circle', center: { lat: 52.52, lon: 13.4 }, radiusM: 500 },
  within: null,
  createdBy: 'usr_1',
  createdAt: AT,
  updatedAt: AT,
  ...over,
});
const plantToWorks: GroupRename = {
  from: 'plant',
  to: 'works',
  path: (p) => renamedPath(p, 'plant', 'works'),
  filter: (t) => renameGroupInFilter(t, 'plant', 'works'),
};

export function geofencesStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`geofences store contract (${name})`, () => {
    const db = freshDatabaseEachTest(open);

    it('keeps fences with their shapes and scope, and removes a fence with the sides measured against it', async () => {
      const s = createGeofencesStore(db());
      const poly: StoredGeofence['shape'] = {
        kind: 'polygon',
        ring: [
          [-16, 179.5],
          [-16, -179.5],
          [-17, -179.5],
          [-16, 179.5],
        ],
      };
      await s.insert(fence('gfn_a', { within: ['plant'] }));
      await s.insert(fence('gfn_b', { group: null, deviceId: 'dev-1', shape: poly }));
      assert.equal(await s.count(), 2);
      assert.deepEqual((await s.get('gfn_b'))?.shape, poly);
      assert.deepEqual((await s.byName('gfn_a'))?.within, ['plant']);
      await s.putSides([
        { fenceId: 'gfn_a', deviceId: 'dev-1', side: 'inside', crossed: false, fixAt: AT, changedAt: AT },
        { fenceId: 'gfn_b', deviceId: 'dev-1', side: 'outside', crossed: true, fixAt: AT, changedAt: AT },
      ]);
      await s.remove('gfn_b');
      assert.equal(await s.get('gfn_b'), null);
      assert.deepEqual([...(await s.sidesOf('dev-1')).keys()], ['gfn_a']);
    });

    it('writes a side over the last one, and lists crossed sides by fence', async () => {
      const s = createGeofencesStore(db());
      await s.insert(fence('gfn_a'));
      await s.insert(fence('gfn_b'));
      const later = '2026-12-07T12:05:00.000Z';
      await s.putSides([
        { fenceId: 'gfn_a', deviceId: 'd1', side: 'outside', crossed: false, fixAt: AT, changedAt: AT },
      ]);
      await s.putSides([
        { fenceId: 'gfn_a', deviceId: 'd1', side: 'inside', crossed: true, fixAt: later, changedAt: later },
        { fenceId: 'gfn_b', deviceId: 'd1', side: 'inside', crossed: false, fixAt: later, changedAt: later },
      ]);
      assert.deepEqual((await s.sidesOf('d1')).get('gfn_a'), {
        fenceId: 'gfn_a',
        deviceId: 'd1',
        side: 'inside',
        crossed: true,
        fixAt: later,
        changedAt: later,
      });
      assert.deepEqual(
        (await s.crossedSides(null)).map((r) => r.fenceId),
        ['gfn_a'],
      );
      assert.deepEqual(await s.crossedSides(['gfn_b']), []);
      assert.deepEqual(await s.crossedSides([]), []);
    });

    it('forgets the sides of a fence whose shape changed, not of one renamed', async () => {
      const s = createGeofencesStore(db());
      const f = fence('gfn_a');
      await s.insert(f);
      await s.putSides([{ fenceId: 'gfn_a', deviceId: 'd1', side: 'inside', crossed: true, fixAt: AT, changedAt: AT }]);
      await s.update({ ...f, name: 'depot' }, false);
      assert.equal((await s.sidesOf('d1')).size, 1);
      await s.update({ ...f, name: 'depot', shape: { ...f.shape, radiusM: 900 } as StoredGeofence['shape'] }, true);
      assert.equal((await s.get('gfn_a'))?.name, 'depot');
      assert.equal((await s.sidesOf('d1')).size, 0);
    });

    it('a group rename moves the fences on the group and below it, and the scope they were made in', async () => {
      const s = createGeofencesStore(db());
      await s.insert(fence('gfn_a', { group: 'plant/pumps', within: ['plant'] }));
      await s.insert(fence('gfn_b', { group: 'plantation' }));
      await s.insert(fence('gfn_c', { group: null, deviceId: 'd1', within: ['plant', 'other'] }));
      const out = await geofenceGroupReferences.rename(db(), plantToWorks);
      assert.deepEqual(out, { changed: 2, refused: [] });
      assert.equal((await s.get('gfn_a'))?.group, 'works/pumps');
      assert.deepEqual((await s.get('gfn_a'))?.within, ['works']);
      assert.equal((await s.get('gfn_b'))?.group, 'plantation');
      assert.deepEqual((await s.get('gfn_c'))?.within, ['works', 'other']);
    });
  });
}
