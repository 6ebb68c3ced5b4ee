import { groupPathColumn } from '../../platform/group-rename.js';

/** Remote-access policies granted on the renamed group keep applying to its devices. */
export const accessPolicyGroupReferences = groupPathColumn('access policies', {
  read: (trx) =>
    trx.selectFrom('access_policies').select(['id', 'group_path']).where('group_path', 'is not', null).execute(),
  async move(trx, id, path) {
    await trx.updateTable('access_policies').set({ group_path: path }).where('id', '=', id).execute();
  },
});
