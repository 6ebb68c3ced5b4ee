import { RenameTally, type GroupReferenceHolder } from '../../platform/group-rename.js';

/** A group's guard policy, with its revisions, follows the group to its new path. */
export const guardPolicyGroupReferences: GroupReferenceHolder = {
  name: 'guard policies',
  async rename(trx, r) {
    const t = new RenameTally(r);
    const targets = await trx
      .selectFrom('guard_policies')
      .select('target')
      .distinct()
      .where('scope', '=', 'group')
      .execute();
    for (const { target } of targets) {
      const moved = t.path(target);
      if (moved === target) continue;
      const done = await trx
        .updateTable('guard_policies')
        .set({ target: moved })
        .where('scope', '=', 'group')
        .where('target', '=', target)
        .executeTakeFirst();
      t.changed += Number(done.numUpdatedRows);
    }
    return t.outcome();
  },
};
