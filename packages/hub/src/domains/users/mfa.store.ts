import type { Db } from '../../storage/database.js';

export interface MfaRecord {
  userId: string;
  secretEnc: string | null;
  pendingSecretEnc: string | null;
  pendingAt: string | null;
  confirmedAt: string | null;
  lastStep: number | null;
}

export interface MfaStore {
  get(userId: string): Promise<MfaRecord | null>;
  setPending(userId: string, secretEnc: string, at: string): Promise<void>;
  /** Makes the pending secret the active one, accepting `step` as its first code. */
  confirm(userId: string, at: string, step: number): Promise<boolean>;
  /** Records `step` as used; false when it (or a later one) was used already: a replay. */
  advanceStep(userId: string, step: number): Promise<boolean>;
  remove(userId: string): Promise<void>;
  replaceRecoveryCodes(userId: string, hashes: string[]): Promise<void>;
  /** Spends a recovery code; false when it does not exist or was spent. */
  useRecoveryCode(userId: string, hash: string, at: string): Promise<boolean>;
  recoveryCodesLeft(userId: string): Promise<number>;
  rolePolicy(): Promise<Map<string, boolean>>;
  setRolePolicy(role: string, required: boolean, by: string, at: string): Promise<void>;
  sessionVerifiedAt(idHash: string): Promise<string | null>;
  setSessionVerified(idHash: string, at: string): Promise<void>;
  forgetSession(idHash: string): Promise<void>;
}

export function createMfaStore(db: Db): MfaStore {
  return {
    async get(userId) {
      const r = await db.selectFrom('user_mfa').selectAll().where('user_id', '=', userId).executeTakeFirst();
      if (!r) return null;
      return {
        userId: r.user_id,
        secretEnc: r.secret_enc,
        pendingSecretEnc: r.pending_secret_enc,
        pendingAt: r.pending_at,
        confirmedAt: r.confirmed_at,
        lastStep: r.last_step === null ? null : Number(r.last_step),
      };
    },
    async setPending(userId, secretEnc, at) {
      await db
        .insertInto('user_mfa')
        .values({
          user_id: userId,
          secret_enc: null,
          pending_secret_enc: secretEnc,
          pending_at: at,
          confirmed_at: null,
          last_step: null,
        })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ pending_secret_enc: secretEnc, pending_at: at }))
        .execute();
    },
    async confirm(userId, at, step) {
      const r = await db
        .updateTable('user_mfa')
        .set((eb) => ({
          secret_enc: eb.ref('pending_secret_enc'),
          pending_secret_enc: null,
          pending_at: null,
          confirmed_at: at,
          last_step: step,
        }))
        .where('user_id', '=', userId)
        .where('pending_secret_enc', 'is not', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async advanceStep(userId, step) {
      // One conditional UPDATE, so two requests racing with the same code cannot both win.
      const r = await db
        .updateTable('user_mfa')
        .set({ last_step: step })
        .where('user_id', '=', userId)
        .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async remove(userId) {
      await db.deleteFrom('user_mfa').where('user_id', '=', userId).execute();
      await db.deleteFrom('user_recovery_codes').where('user_id', '=', userId).execute();
    },
    async replaceRecoveryCodes(userId, hashes) {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('user_recovery_codes').where('user_id', '=', userId).execute();
        if (hashes.length)
          await trx
            .insertInto('user_recovery_codes')
            .values(hashes.map((h) => ({ user_id: userId, code_hash: h, used_at: null })))
            .execute();
      });
    },
    async useRecoveryCode(userId, hash, at) {
      const r = await db
        .updateTable('user_recovery_codes')
        .set({ used_at: at })
        .where('user_id', '=', userId)
        .where('code_hash', '=', hash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async recoveryCodesLeft(userId) {
      const r = await db
        .selectFrom('user_recovery_codes')
        .select((e) => e.fn.countAll().as('n'))
        .where('user_id', '=', userId)
        .where('used_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    async rolePolicy() {
      const rows = await db.selectFrom('role_mfa_policy').selectAll().execute();
      return new Map(rows.map((r) => [r.role, r.required === 1]));
    },
    async setRolePolicy(role, required, by, at) {
      await db
        .insertInto('role_mfa_policy')
        .values({ role, required: required ? 1 : 0, updated_by: by, updated_at: at })
        .onConflict((oc) =>
          oc.column('role').doUpdateSet({ required: required ? 1 : 0, updated_by: by, updated_at: at }),
        )
        .execute();
    },
    async sessionVerifiedAt(idHash) {
      const r = await db
        .selectFrom('session_mfa')
        .select('verified_at')
        .where('id_hash', '=', idHash)
        .executeTakeFirst();
      return r?.verified_at ?? null;
    },
    async setSessionVerified(idHash, at) {
      await db
        .insertInto('session_mfa')
        .values({ id_hash: idHash, verified_at: at })
        .onConflict((oc) => oc.column('id_hash').doUpdateSet({ verified_at: at }))
        .execute();
    },
    async forgetSession(idHash) {
      await db.deleteFrom('session_mfa').where('id_hash', '=', idHash).execute();
    },
  };
}
