import { RenameTally, sameJson, type GroupReferenceHolder } from '../../platform/group-rename.js';

/** Fences on the renamed group keep applying to its devices; the scope they were made in moves too. */
export const geofenceGroupReferences: GroupReferenceHolder = {
  name: 'geofences',
  async rename(trx, r) {
    const t = new RenameTally(r);
    const rows = await trx.selectFrom('geofences').select(['id', 'group_path', 'within_json']).execute();
    for (const row of rows) {
      const group_path = t.path(row.group_path);
      const within = row.within_json ? (JSON.parse(row.within_json) as string[]) : null;
      const moved = t.paths(within) ?? null;
      if (group_path === row.group_path && sameJson(moved, within)) continue;
      const within_json = moved ? JSON.stringify(moved) : null;
      await trx.updateTable('geofences').set({ group_path, within_json }).where('id', '=', row.id).execute();
      t.changed++;
    }
    return t.outcome();
  },
};
