import { groupPathColumn } from '../../platform/group-rename.js';

/** Enrollment tokens made for the renamed group enroll into it under its new name. */
export const enrollmentTokenGroupReferences = groupPathColumn('enrollment tokens', {
  read: (trx) =>
    trx.selectFrom('enrollment_tokens').select(['id', 'group_path']).where('group_path', 'is not', null).execute(),
  async move(trx, id, path) {
    await trx.updateTable('enrollment_tokens').set({ group_path: path }).where('id', '=', id).execute();
  },
});
