import type { Db } from '../../../storage/database.js';
import type { SsoDeviceGrantsTable, SsoSessionsTable, SsoSignOutsTable } from './sso-flows.tables.js';

/** Sealed ID tokens of provider sessions, sign-outs in flight and device grants in progress. */
export interface SsoFlowsStore {
  /** Keeps a session's sealed ID token unless `maxLive` unexpired ones exist already; drops expired ones first. */
  saveSession(s: SsoSessionsTable, nowIso: string, maxLive: number): Promise<boolean>;
  /** The provider session behind an Outpost session, removed as it is read. */
  takeSession(sessionHash: string): Promise<SsoSessionsTable | null>;
  saveSignOut(s: SsoSignOutsTable, nowIso: string, maxLive: number): Promise<boolean>;
  /** The sign-out with this state, removed as it is read (single use); null when unknown or expired. */
  takeSignOut(stateHash: string, nowIso: string): Promise<SsoSignOutsTable | null>;
  saveDeviceGrant(g: SsoDeviceGrantsTable, nowIso: string, maxLive: number): Promise<boolean>;
  deviceGrant(handleHash: string): Promise<SsoDeviceGrantsTable | null>;
  /** Sets when the provider may be asked next; false when another poll moved it first (it keeps its turn). */
  claimPoll(
    handleHash: string,
    seenNextPollAt: string,
    next: { nextPollAt: string; intervalS: number },
  ): Promise<boolean>;
  deleteDeviceGrant(handleHash: string): Promise<void>;
}

export function createSsoFlowsStore(db: Db): SsoFlowsStore {
  // Inserts a row unless the table holds `maxLive` unexpired ones; the caller is anonymous and controls how many.
  async function boundedInsert(
    table: 'sso_sessions' | 'sso_sign_outs' | 'sso_device_grants',
    insert: (trx: Db) => Promise<unknown>,
    nowIso: string,
    maxLive: number,
  ): Promise<boolean> {
    // The three tables share `expires_at`; one of them names the shape for the compiler.
    const t = table as 'sso_sign_outs';
    return db.transaction().execute(async (trx) => {
      await trx.deleteFrom(t).where('expires_at', '<=', nowIso).execute();
      const live = await trx
        .selectFrom(t)
        .select((e) => e.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      if (Number(live.n) >= maxLive) return false;
      await insert(trx);
      return true;
    });
  }

  return {
    saveSession: (s, nowIso, maxLive) =>
      boundedInsert('sso_sessions', (trx) => trx.insertInto('sso_sessions').values(s).execute(), nowIso, maxLive),
    async takeSession(sessionHash) {
      const r = await db
        .selectFrom('sso_sessions')
        .selectAll()
        .where('session_hash', '=', sessionHash)
        .executeTakeFirst();
      if (!r) return null;
      await db.deleteFrom('sso_sessions').where('session_hash', '=', sessionHash).execute();
      return r;
    },
    saveSignOut: (s, nowIso, maxLive) =>
      boundedInsert('sso_sign_outs', (trx) => trx.insertInto('sso_sign_outs').values(s).execute(), nowIso, maxLive),
    async takeSignOut(stateHash, nowIso) {
      return db.transaction().execute(async (trx) => {
        const r = await trx
          .selectFrom('sso_sign_outs')
          .selectAll()
          .where('state_hash', '=', stateHash)
          .executeTakeFirst();
        if (!r) return null;
        const gone = await trx.deleteFrom('sso_sign_outs').where('state_hash', '=', stateHash).executeTakeFirst();
        if (Number(gone.numDeletedRows) !== 1) return null;
        return r.expires_at > nowIso ? r : null;
      });
    },
    saveDeviceGrant: (g, nowIso, maxLive) =>
      boundedInsert(
        'sso_device_grants',
        (trx) => trx.insertInto('sso_device_grants').values(g).execute(),
        nowIso,
        maxLive,
      ),
    async deviceGrant(handleHash) {
      const r = await db
        .selectFrom('sso_device_grants')
        .selectAll()
        .where('handle_hash', '=', handleHash)
        .executeTakeFirst();
      return r ?? null;
    },
    async claimPoll(handleHash, seenNextPollAt, next) {
      const r = await db
        .updateTable('sso_device_grants')
        .set({ next_poll_at: next.nextPollAt, interval_s: next.intervalS })
        .where('handle_hash', '=', handleHash)
        .where('next_poll_at', '=', seenNextPollAt)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async deleteDeviceGrant(handleHash) {
      await db.deleteFrom('sso_device_grants').where('handle_hash', '=', handleHash).execute();
    },
  };
}
