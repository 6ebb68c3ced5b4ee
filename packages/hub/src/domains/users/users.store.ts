import type { ApiToken, Role, User } from '@outpost/protocol';
import type { Db } from '../../storage/database.js';
import { lockKeys } from '../../storage/sql-dialect.js';
import type { UsersTable, ApiTokensTable } from './users.tables.js';
import type { FailureStats } from './sign-in-throttle.js';

export interface UserWithHash extends User {
  passwordHash: string;
}
export interface TokenWithHash extends ApiToken {
  revoked: boolean;
}

export interface UsersStore {
  count(): Promise<number>;
  insert(u: UserWithHash): Promise<void>;
  byUsername(username: string): Promise<UserWithHash | null>;
  byId(id: string): Promise<UserWithHash | null>;
  list(): Promise<User[]>;
  update(
    id: string,
    patch: Partial<Pick<UsersTable, 'role' | 'disabled' | 'password_hash' | 'last_login_at'>>,
  ): Promise<void>;
  insertSession(s: {
    idHash: string;
    userId: string;
    createdAt: string;
    expiresAt: string;
    sourceIp: string | null;
  }): Promise<void>;
  sessionUser(idHash: string, nowIso: string): Promise<UserWithHash | null>;
  deleteSession(idHash: string): Promise<void>;
  /** Ends every session of the user, but the one given (the session that asked). */
  deleteSessionsOf(userId: string, exceptIdHash?: string): Promise<void>;
  insertToken(t: ApiToken & { secretHash: string }): Promise<void>;
  tokenBySecretHash(hash: string): Promise<TokenWithHash | null>;
  listTokens(userId?: string): Promise<TokenWithHash[]>;
  tokenById(id: string): Promise<TokenWithHash | null>;
  revokeToken(id: string): Promise<void>;
  touchToken(id: string, at: string): Promise<void>;
  addFailure(key: string, at: string): Promise<void>;
  /** Failure count and latest failure per key since `sinceIso`. */
  failureStats(keys: string[], sinceIso: string): Promise<Map<string, FailureStats>>;
  /**
   * Counts one sign-in attempt against every key before its password is checked, unless `refuse`
   * says a key must still wait: the check and the count are one transaction, so a burst of
   * concurrent attempts cannot all slip under the limit. Returns what `refuse` returned, or null.
   */
  reserveAttempt<R>(
    attempt: string,
    keys: string[],
    at: string,
    sinceIso: string,
    refuse: (stats: Map<string, FailureStats>) => R | null,
  ): Promise<R | null>;
  /** The attempt succeeded: it counts against nothing. */
  releaseAttempt(attempt: string): Promise<void>;
  countFailures(key: string, sinceIso: string): Promise<number>;
  clearFailures(key: string): Promise<void>;
}

function toUser(r: UsersTable): UserWithHash {
  return {
    id: r.id,
    username: r.username,
    role: r.role as Role,
    disabled: r.disabled === 1,
    createdAt: r.created_at,
    lastLoginAt: r.last_login_at,
    passwordHash: r.password_hash,
  };
}

function toToken(r: ApiTokensTable): TokenWithHash {
  return {
    id: r.id,
    name: r.name,
    role: r.role as Role,
    userId: r.user_id,
    expiresAt: r.expires_at,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revoked: r.revoked === 1,
  };
}

export function createUsersStore(db: Db): UsersStore {
  return {
    async count() {
      const r = await db
        .selectFrom('users')
        .select((e) => e.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    async insert(u) {
      await db
        .insertInto('users')
        .values({
          id: u.id,
          username: u.username,
          password_hash: u.passwordHash,
          role: u.role,
          disabled: u.disabled ? 1 : 0,
          created_at: u.createdAt,
          last_login_at: u.lastLoginAt,
        })
        .execute();
    },
    async byUsername(username) {
      const r = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
      return r ? toUser(r) : null;
    },
    async byId(id) {
      const r = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toUser(r) : null;
    },
    async list() {
      const rows = await db.selectFrom('users').selectAll().orderBy('username').execute();
      return rows.map((r) => {
        const { passwordHash: _omit, ...user } = toUser(r);
        return user;
      });
    },
    async update(id, patch) {
      await db.updateTable('users').set(patch).where('id', '=', id).execute();
    },
    async insertSession(s) {
      await db
        .insertInto('sessions')
        .values({
          id_hash: s.idHash,
          user_id: s.userId,
          created_at: s.createdAt,
          expires_at: s.expiresAt,
          source_ip: s.sourceIp,
        })
        .execute();
    },
    async sessionUser(idHash, nowIso) {
      const r = await db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .selectAll('users')
        .where('sessions.id_hash', '=', idHash)
        .where('sessions.expires_at', '>', nowIso)
        .executeTakeFirst();
      return r ? toUser(r) : null;
    },
    async deleteSession(idHash) {
      await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    },
    async deleteSessionsOf(userId, exceptIdHash) {
      let q = db.deleteFrom('sessions').where('user_id', '=', userId);
      if (exceptIdHash) q = q.where('id_hash', '!=', exceptIdHash);
      await q.execute();
    },
    async insertToken(t) {
      await db
        .insertInto('api_tokens')
        .values({
          id: t.id,
          name: t.name,
          secret_hash: t.secretHash,
          role: t.role,
          user_id: t.userId,
          expires_at: t.expiresAt,
          created_at: t.createdAt,
          last_used_at: null,
          revoked: 0,
        })
        .execute();
    },
    async tokenBySecretHash(hash) {
      const r = await db.selectFrom('api_tokens').selectAll().where('secret_hash', '=', hash).executeTakeFirst();
      return r ? toToken(r) : null;
    },
    async listTokens(userId) {
      let q = db.selectFrom('api_tokens').selectAll().orderBy('created_at');
      if (userId) q = q.where('user_id', '=', userId);
      return (await q.execute()).map(toToken);
    },
    async tokenById(id) {
      const r = await db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toToken(r) : null;
    },
    async revokeToken(id) {
      await db.updateTable('api_tokens').set({ revoked: 1 }).where('id', '=', id).execute();
    },
    async touchToken(id, at) {
      await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
    },
    async addFailure(key, at) {
      await db.insertInto('login_failures').values({ key, at }).execute();
    },
    async failureStats(keys, sinceIso) {
      return failureStatsIn(db, keys, sinceIso);
    },
    async reserveAttempt(attempt, keys, at, sinceIso, refuse) {
      return db.transaction().execute(async (trx) => {
        await lockKeys(
          trx,
          keys.map((k) => `login_failures:${k}`),
        );
        const refused = refuse(await failureStatsIn(trx, keys, sinceIso));
        if (refused !== null) return refused;
        await trx
          .insertInto('login_failures')
          .values(keys.map((key) => ({ key, at, attempt })))
          .execute();
        return null;
      });
    },
    async releaseAttempt(attempt) {
      await db.deleteFrom('login_failures').where('attempt', '=', attempt).execute();
    },
    async countFailures(key, sinceIso) {
      const r = await db
        .selectFrom('login_failures')
        .select((e) => e.fn.countAll().as('n'))
        .where('key', '=', key)
        .where('at', '>', sinceIso)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    async clearFailures(key) {
      await db.deleteFrom('login_failures').where('key', '=', key).execute();
    },
  };
}

async function failureStatsIn(db: Db, keys: string[], sinceIso: string) {
  const stats = new Map<string, FailureStats>(keys.map((k) => [k, { count: 0, latest: null }]));
  if (keys.length === 0) return stats;
  const rows = await db
    .selectFrom('login_failures')
    .select((e) => ['key', e.fn.countAll().as('n'), e.fn.max('at').as('latest')])
    .where('key', 'in', keys)
    .where('at', '>', sinceIso)
    .groupBy('key')
    .execute();
  for (const r of rows) stats.set(r.key, { count: Number(r.n), latest: r.latest as string | null });
  return stats;
}
