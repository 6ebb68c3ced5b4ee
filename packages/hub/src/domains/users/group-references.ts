import { RenameTally, type GroupReferenceHolder } from '../../platform/group-rename.js';

/** Users confined to the renamed group (or below it) stay confined to the same devices. */
export const userScopeGroupReferences: GroupReferenceHolder = {
  name: 'user scopes',
  async rename(trx, r) {
    const t = new RenameTally(r);
    const rows = await trx.selectFrom('user_group_scopes').selectAll().execute();
    const byUser = new Map<string, string[]>();
    for (const row of rows)
      (byUser.get(row.user_id) ?? byUser.set(row.user_id, []).get(row.user_id)!).push(row.group_path);
    for (const [userId, paths] of byUser) {
      const moved = t.paths(paths)!;
      if (moved.length === paths.length && moved.every((p, i) => p === paths[i])) continue;
      await trx.deleteFrom('user_group_scopes').where('user_id', '=', userId).execute();
      await trx
        .insertInto('user_group_scopes')
        .values(moved.map((group_path) => ({ user_id: userId, group_path })))
        .execute();
      t.changed++;
    }
    return t.outcome();
  },
};
