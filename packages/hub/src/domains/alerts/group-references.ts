import { RenameTally, type GroupReferenceHolder } from '../../platform/group-rename.js';

/** Alert rules keep watching the same devices: their group and the groups their filter names move. */
export const alertRuleGroupReferences: GroupReferenceHolder = {
  name: 'alert rules',
  async rename(trx, r) {
    const t = new RenameTally(r);
    const rows = await trx.selectFrom('alert_rules').select(['id', 'name', 'scope_group', 'scope_filter']).execute();
    for (const row of rows) {
      const scope_group = t.path(row.scope_group);
      const scope_filter = t.filter(`alert rule "${row.name}"`, row.scope_filter);
      if (scope_group === row.scope_group && scope_filter === row.scope_filter) continue;
      await trx.updateTable('alert_rules').set({ scope_group, scope_filter }).where('id', '=', row.id).execute();
      t.changed++;
    }
    return t.outcome();
  },
};
