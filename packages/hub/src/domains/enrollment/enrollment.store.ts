import type { EnrollmentToken } from '@outpost/protocol';
import type { Db } from '../../storage/database.js';
import type { EnrollmentTokensTable } from './enrollment.tables.js';

export interface EnrollmentStore {
  insert(t: EnrollmentToken & { secretHash: string }): Promise<void>;
  bySecretHash(hash: string): Promise<EnrollmentToken | null>;
  list(): Promise<EnrollmentToken[]>;
  byId(id: string): Promise<EnrollmentToken | null>;
  /** Takes one use if any is left; false when the token was spent meanwhile. */
  spend(id: string): Promise<boolean>;
  revoke(id: string): Promise<void>;
}

function toToken(r: EnrollmentTokensTable): EnrollmentToken {
  return {
    id: r.id,
    label: r.label,
    maxUses: r.max_uses,
    uses: r.uses,
    expiresAt: r.expires_at,
    group: r.group_path,
    tags: JSON.parse(r.tags_json) as Record<string, string>,
    createdBy: r.created_by,
    createdAt: r.created_at,
    revoked: r.revoked === 1,
  };
}

export function createEnrollmentStore(db: Db): EnrollmentStore {
  return {
    async insert(t) {
      await db
        .insertInto('enrollment_tokens')
        .values({
          id: t.id,
          secret_hash: t.secretHash,
          label: t.label,
          max_uses: t.maxUses,
          uses: 0,
          expires_at: t.expiresAt,
          group_path: t.group,
          tags_json: JSON.stringify(t.tags),
          created_by: t.createdBy,
          created_at: t.createdAt,
          revoked: 0,
        })
        .execute();
    },
    async bySecretHash(hash) {
      const r = await db.selectFrom('enrollment_tokens').selectAll().where('secret_hash', '=', hash).executeTakeFirst();
      return r ? toToken(r) : null;
    },
    async byId(id) {
      const r = await db.selectFrom('enrollment_tokens').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toToken(r) : null;
    },
    async list() {
      return (await db.selectFrom('enrollment_tokens').selectAll().orderBy('created_at', 'desc').execute()).map(
        toToken,
      );
    },
    async spend(id) {
      // Conditional update: two agents racing for the last use cannot both win.
      const [r] = await db
        .updateTable('enrollment_tokens')
        .set((eb) => ({ uses: eb('uses', '+', 1) }))
        .where('id', '=', id)
        .whereRef('uses', '<', 'max_uses')
        .execute();
      return Number(r?.numUpdatedRows ?? 0) === 1;
    },
    async revoke(id) {
      await db.updateTable('enrollment_tokens').set({ revoked: 1 }).where('id', '=', id).execute();
    },
  };
}
