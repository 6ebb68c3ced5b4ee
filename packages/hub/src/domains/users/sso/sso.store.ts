import type { Db } from '../../../storage/database.js';
import type { SsoHandoffsTable, SsoPendingTable } from './sso.tables.js';

export interface LinkedIdentity {
  userId: string;
  idpDisabled: boolean;
}

/** Identities linked to users, sign-ins in flight and CLI hand-off codes. */
export interface SsoStore {
  identity(provider: string, subject: string): Promise<LinkedIdentity | null>;
  link(i: { provider: string; subject: string; userId: string; at: string }): Promise<void>;
  markSignIn(provider: string, subject: string, s: { idpDisabled: boolean; at: string | null }): Promise<void>;
  /** Stores a sign-in in flight unless `maxLive` unexpired ones exist already; drops expired ones first. */
  savePending(p: SsoPendingTable, nowIso: string, maxLive: number): Promise<boolean>;
  /** The sign-in in flight with this state, removed as it is read (single use); null when unknown or expired. */
  takePending(stateHash: string, nowIso: string): Promise<SsoPendingTable | null>;
  saveHandoff(h: SsoHandoffsTable, nowIso: string, maxLive: number): Promise<boolean>;
  takeHandoff(codeHash: string, nowIso: string): Promise<SsoHandoffsTable | null>;
}

export function createSsoStore(db: Db): SsoStore {
  return {
    async identity(provider, subject) {
      const r = await db
        .selectFrom('user_identities')
        .select(['user_id', 'idp_disabled'])
        .where('provider', '=', provider)
        .where('subject', '=', subject)
        .executeTakeFirst();
      return r ? { userId: r.user_id, idpDisabled: r.idp_disabled === 1 } : null;
    },
    async link(i) {
      await db
        .insertInto('user_identities')
        .values({
          provider: i.provider,
          subject: i.subject,
          user_id: i.userId,
          idp_disabled: 0,
          created_at: i.at,
          last_sign_in_at: null,
        })
        .execute();
    },
    async markSignIn(provider, subject, s) {
      await db
        .updateTable('user_identities')
        .set({ idp_disabled: s.idpDisabled ? 1 : 0, ...(s.at ? { last_sign_in_at: s.at } : {}) })
        .where('provider', '=', provider)
        .where('subject', '=', subject)
        .execute();
    },
    async savePending(p, nowIso, maxLive) {
      return db.transaction().execute(async (trx) => {
        await trx.deleteFrom('sso_pending').where('expires_at', '<=', nowIso).execute();
        const live = await trx
          .selectFrom('sso_pending')
          .select((e) => e.fn.countAll().as('n'))
          .executeTakeFirstOrThrow();
        if (Number(live.n) >= maxLive) return false;
        await trx.insertInto('sso_pending').values(p).execute();
        return true;
      });
    },
    async takePending(stateHash, nowIso) {
      return db.transaction().execute(async (trx) => {
        const r = await trx
          .selectFrom('sso_pending')
          .selectAll()
          .where('state_hash', '=', stateHash)
          .executeTakeFirst();
        if (!r) return null;
        const gone = await trx.deleteFrom('sso_pending').where('state_hash', '=', stateHash).executeTakeFirst();
        // Another request took it between the read and the delete: it was used.
        if (Number(gone.numDeletedRows) !== 1) return null;
        return r.expires_at > nowIso ? r : null;
      });
    },
    async saveHandoff(h, nowIso, maxLive) {
      return db.transaction().execute(async (trx) => {
        await trx.deleteFrom('sso_handoffs').where('expires_at', '<=', nowIso).execute();
        const live = await trx
          .selectFrom('sso_handoffs')
          .select((e) => e.fn.countAll().as('n'))
          .executeTakeFirstOrThrow();
        if (Number(live.n) >= maxLive) return false;
        await trx.insertInto('sso_handoffs').values(h).execute();
        return true;
      });
    },
    async takeHandoff(codeHash, nowIso) {
      return db.transaction().execute(async (trx) => {
        const r = await trx.selectFrom('sso_handoffs').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
        if (!r) return null;
        const gone = await trx.deleteFrom('sso_handoffs').where('code_hash', '=', codeHash).executeTakeFirst();
        if (Number(gone.numDeletedRows) !== 1) return null;
        return r.expires_at > nowIso ? r : null;
      });
    },
  };
}
