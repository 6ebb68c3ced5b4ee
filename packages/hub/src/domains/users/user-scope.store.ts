import type { Db } from '../../storage/database.js';

/** Groups each user is confined to; a user without rows sees every device. */
export interface UserScopeStore {
  of(userId: string): Promise<string[]>;
  set(userId: string, paths: string[]): Promise<void>;
  all(): Promise<Map<string, string[]>>;
}

export function createUserScopeStore(db: Db): UserScopeStore {
  return {
    async of(userId) {
      const rows = await db
        .selectFrom('user_group_scopes')
        .select('group_path')
        .where('user_id', '=', userId)
        .orderBy('group_path')
        .execute();
      return rows.map((r) => r.group_path);
    },
    async set(userId, paths) {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('user_group_scopes').where('user_id', '=', userId).execute();
        if (paths.length)
          await trx
            .insertInto('user_group_scopes')
            .values(paths.map((p) => ({ user_id: userId, group_path: p })))
            .execute();
      });
    },
    async all() {
      const rows = await db.selectFrom('user_group_scopes').selectAll().execute();
      const out = new Map<string, string[]>();
      for (const r of rows) (out.get(r.user_id) ?? out.set(r.user_id, []).get(r.user_id)!).push(r.group_path);
      return out;
    },
  };
}
