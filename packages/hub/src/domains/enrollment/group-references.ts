import { RenameTally, type GroupReferenceHolder } from '../../platform/group-rename.js';

/** Enrollment tokens made for the renamed group enroll into it under its new name. */
export const enrollmentTokenGroupReferences: GroupReferenceHolder = {
  name: 'enrollment tokens',
  async rename(trx, r) {
    const t = new RenameTally(r);
    const rows = await trx
      .selectFrom('enrollment_tokens')
      .select(['id', 'group_path'])
      .where('group_path', 'is not', null)
      .execute();
    for (const row of rows) {
      const moved = t.path(row.group_path);
      if (moved === row.group_path) continue;
      await trx.updateTable('enrollment_tokens').set({ group_path: moved }).where('id', '=', row.id).execute();
      t.changed++;
    }
    return t.outcome();
  },
};
