import { RenameTally, type GroupReferenceHolder } from '../../platform/group-rename.js';

/**
 * The groups themselves: the renamed group and every group below it take their new path (members
 * are kept by group id, so they move with it), and dynamic groups whose filter names one of them
 * are rewritten.
 */
export const groupGroupReferences: GroupReferenceHolder = {
  name: 'groups',
  async rename(trx, r) {
    const t = new RenameTally(r);
    const rows = await trx.selectFrom('groups').select(['id', 'path', 'filter']).execute();
    for (const row of rows) {
      const path = t.path(row.path);
      const filter = t.filter(`dynamic group "${row.path}"`, row.filter);
      if (path === row.path && filter === row.filter) continue;
      await trx.updateTable('groups').set({ path, filter }).where('id', '=', row.id).execute();
      t.changed++;
    }
    return t.outcome();
  },
};
