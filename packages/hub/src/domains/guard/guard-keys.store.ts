import type { GuardKeyEndorsement } from '@outpost/protocol';
import type { Db } from '../../storage/database.js';

export const GRANT_KEY_ID = 'grant-signing';

export interface KeyRotation {
  oldPublicPem: string;
  newPublicPem: string;
  newPrivateEnc: string;
  endorsement: GuardKeyEndorsement;
  rotatedBy: string;
  reason: string;
}

export interface GuardKeysStore {
  /** The last `limit` rotations, oldest first. */
  endorsements(limit: number): Promise<Array<GuardKeyEndorsement & { rotatedBy: string; reason: string }>>;
  /**
   * Replaces the key in force and records the endorsement, in one transaction; false when the
   * key in force is no longer `oldPublicPem` (another rotation got there first).
   */
  rotate(r: KeyRotation): Promise<boolean>;
  /** New signatures for grants (after a rotation, live grants are signed again by the new key). */
  resign(updates: Array<{ id: string; signature: string }>): Promise<void>;
}

export function createGuardKeysStore(db: Db): GuardKeysStore {
  return {
    async endorsements(limit) {
      const rows = await db
        .selectFrom('guard_key_endorsements')
        .selectAll()
        .orderBy('seq', 'desc')
        .limit(limit)
        .execute();
      return rows.reverse().map((r) => ({
        key: r.key_pem,
        previous: r.previous_fingerprint,
        issuedAt: Number(r.issued_at),
        signature: r.signature,
        rotatedBy: r.rotated_by,
        reason: r.reason,
      }));
    },
    async rotate(r) {
      return db.transaction().execute(async (trx) => {
        const res = await trx
          .updateTable('guard_keys')
          .set({ public_pem: r.newPublicPem, private_enc: r.newPrivateEnc })
          .where('id', '=', GRANT_KEY_ID)
          .where('public_pem', '=', r.oldPublicPem)
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) !== 1) return false;
        const last = await trx
          .selectFrom('guard_key_endorsements')
          .select((eb) => eb.fn.max('seq').as('seq'))
          .executeTakeFirst();
        await trx
          .insertInto('guard_key_endorsements')
          .values({
            seq: Number(last?.seq ?? 0) + 1,
            key_pem: r.endorsement.key,
            previous_fingerprint: r.endorsement.previous,
            issued_at: r.endorsement.issuedAt,
            signature: r.endorsement.signature,
            rotated_by: r.rotatedBy,
            reason: r.reason,
          })
          .execute();
        return true;
      });
    },
    async resign(updates) {
      if (!updates.length) return;
      await db.transaction().execute(async (trx) => {
        for (const u of updates)
          await trx.updateTable('guard_grants').set({ signature: u.signature }).where('id', '=', u.id).execute();
      });
    },
  };
}
