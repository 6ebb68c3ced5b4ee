import { RenameTally, type GroupReferenceHolder } from '../../platform/group-rename.js';

/** Group data plans follow their group (and its subgroups) to the new name. */
export const cellularGroupPlanReferences: GroupReferenceHolder = {
  name: 'cellular group plans',
  async rename(trx, r) {
    const t = new RenameTally(r);
    const rows = await trx.selectFrom('cellular_group_plans').select('group_path').execute();
    const taken = new Set(rows.map((x) => x.group_path));
    for (const row of rows) {
      const moved = t.path(row.group_path);
      if (moved === row.group_path) continue;
      // A plan left on a removed group at the new path would collide; refusing keeps both intact.
      if (taken.has(moved) && t.path(moved) === moved) {
        t.refused.push(`cellular group plan of "${row.group_path}": a plan is already set on "${moved}"`);
        continue;
      }
      await trx
        .updateTable('cellular_group_plans')
        .set({ group_path: moved })
        .where('group_path', '=', row.group_path)
        .execute();
      t.changed++;
    }
    return t.outcome();
  },
};
