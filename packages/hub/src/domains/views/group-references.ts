import { RenameTally, type GroupReferenceHolder } from '../../platform/group-rename.js';

/** Saved views whose filter names the renamed group show the same devices afterwards. */
export const savedViewGroupReferences: GroupReferenceHolder = {
  name: 'saved views',
  async rename(trx, r) {
    const t = new RenameTally(r);
    const rows = await trx.selectFrom('saved_views').select(['id', 'name', 'filter']).execute();
    for (const row of rows) {
      const filter = t.filter(`saved view "${row.name}"`, row.filter);
      if (filter === row.filter) continue;
      await trx.updateTable('saved_views').set({ filter }).where('id', '=', row.id).execute();
      t.changed++;
    }
    return t.outcome();
  },
};
