import { RenameTally, type GroupReferenceHolder } from '../../platform/group-rename.js';

/** Remote-access policies granted on the renamed group keep applying to its devices. */
export const accessPolicyGroupReferences: GroupReferenceHolder = {
  name: 'access policies',
  async rename(trx, r) {
    const t = new RenameTally(r);
    const rows = await trx
      .selectFrom('access_policies')
      .select(['id', 'group_path'])
      .where('group_path', 'is not', null)
      .execute();
    for (const row of rows) {
      const moved = t.path(row.group_path);
      if (moved === row.group_path) continue;
      await trx.updateTable('access_policies').set({ group_path: moved }).where('id', '=', row.id).execute();
      t.changed++;
    }
    return t.outcome();
  },
};
