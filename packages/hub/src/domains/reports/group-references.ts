import { RenameTally, type GroupReferenceHolder } from '../../platform/group-rename.js';

/** Report schedules cover the renamed group under its new name (past runs keep the name they ran with). */
export const reportScheduleGroupReferences: GroupReferenceHolder = {
  name: 'report schedules',
  async rename(trx, r) {
    const t = new RenameTally(r);
    const rows = await trx
      .selectFrom('report_schedules')
      .select(['id', 'name', 'scope_group', 'scope_filter'])
      .execute();
    for (const row of rows) {
      const scope_group = t.path(row.scope_group);
      const scope_filter = t.filter(`report schedule "${row.name}"`, row.scope_filter);
      if (scope_group === row.scope_group && scope_filter === row.scope_filter) continue;
      await trx.updateTable('report_schedules').set({ scope_group, scope_filter }).where('id', '=', row.id).execute();
      t.changed++;
    }
    return t.outcome();
  },
};
