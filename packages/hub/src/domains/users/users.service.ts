import { hash, verify } from '@node-rs/argon2';
import {
  ErrorCode,
  type ApiToken,
  type NewApiToken,
  type NewApiTokenBody,
  type NewUserBody,
  type PatchUserBody,
  type Role,
  type SessionGrant,
  type User,
} from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import { HubError, NotFound, Conflict, Forbidden, ValidationError } from '../../platform/errors.js';
import { newId, newSecret, sha256Hex } from '../../platform/ids.js';
import type { AuditLog } from '../audit/index.js';
import type { Actor } from '../audit/index.js';
import type { UsersStore } from './users.store.js';
import { actorOf, roleAllows, type Principal } from './principal.js';
import type { MfaService } from './mfa.service.js';
import type { UserScopeStore } from './user-scope.store.js';
import { signInKeys, type SignInLimits } from './sign-in-throttle.js';
import { createFailureWindow } from '../../platform/throttle.js';

// OWASP password storage cheat sheet: argon2id, m=19 MiB, t=2, p=1.
const ARGON = { algorithm: 2 /* Algorithm.Argon2id (a const enum) */, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
const TOKEN_PREFIX = 'opt_';
// Same shape as group paths (groups.service.ts).
const GROUP_PATH = /^[a-z0-9][a-z0-9_-]{0,63}(\/[a-z0-9][a-z0-9_-]{0,63}){0,7}$/;

export interface UsersDeps {
  store: UsersStore;
  audit: AuditLog;
  clock: Clock;
  sessionTtlMinutes: number;
  signIn: SignInLimits;
  /** Second factor; without it sign-in is by password alone. */
  mfa?: MfaService;
  /** Group scopes of users; without it every user sees every device. */
  scopes?: UserScopeStore;
}

export interface UsersService {
  /** Password sign-in (with `otp` for an account that has a second factor); audited either way. */
  login(username: string, password: string, sourceIp: string | null, otp?: string): Promise<SessionGrant>;
  /** Opens a session for a user already proved (single sign-on); `mfaAt` when a second factor was. */
  openSession(user: User, sourceIp: string | null, mfaAt: string | null): Promise<SessionGrant>;
  logout(token: string): Promise<void>;
  principalFromSession(token: string, sourceIp: string | null): Promise<Principal | null>;
  principalFromApiToken(token: string, sourceIp: string | null): Promise<Principal | null>;
  createUser(by: Principal, input: NewUserBody): Promise<User>;
  updateUser(by: Principal, id: string, patch: PatchUserBody): Promise<User>;
  listUsers(): Promise<User[]>;
  /** Group paths the user is confined to; empty when they see every device. */
  groupScope(userId: string): Promise<string[]>;
  createApiToken(by: Principal, input: NewApiTokenBody): Promise<NewApiToken>;
  revokeApiToken(by: Principal, id: string): Promise<void>;
  listApiTokens(by: Principal): Promise<ApiToken[]>;
  /** Creates the first admin when there is no user; `generatedPassword` when none was given. */
  ensureInitialAdmin(password?: string): Promise<{ created: boolean; generatedPassword?: string }>;
  changeOwnPassword(by: Principal, current: string, next: string): Promise<void>;
  resetPassword(actor: Actor, username: string, password: string): Promise<User>;
}

export function createUsersService(deps: UsersDeps): UsersService {
  const { store, audit, clock } = deps;
  // Verified against when the user does not exist, so both paths cost the same time.
  const dummyHash = hash('outpost-dummy-password', ARGON);
  // Failed sign-ins per account and address, counted in the database so every replica sees them.
  const signIns = createFailureWindow({ store, clock, windowMinutes: deps.signIn.windowMinutes });

  /** Counts this attempt before the password is checked; refuses it while a limit makes it wait. */
  async function admitAttempt(attempt: string, username: string, sourceIp: string | null, actor: Actor) {
    const refused = await signIns.admit(attempt, signInKeys(username, sourceIp, deps.signIn));
    if (!refused) return;
    const { scope, retryAfterS } = refused;
    await audit.record({
      actor,
      action: 'auth.login',
      outcome: 'denied',
      details: { reason: 'rate_limited', scope, retryAfterS },
    });
    throw new HubError(
      ErrorCode.RateLimited,
      `too many failed sign-ins ${scope === 'account' ? 'for this account' : 'from this address'}; try again in ${retryAfterS} s`,
      { scope, retryAfterS },
    );
  }

  async function login(username: string, password: string, sourceIp: string | null, otp?: string) {
    const actor: Actor = { type: 'anonymous', id: username.slice(0, 64), sourceIp };
    const attempt = newId('att', 12);
    await admitAttempt(attempt, username, sourceIp, actor);
    const user = await store.byUsername(username);
    // Users of an identity provider have no local password (their hash is not argon2): none matches.
    const local = user?.passwordHash.startsWith('$argon2') ? user.passwordHash : null;
    const ok = (await verify(local ?? (await dummyHash), password)) && local !== null;
    if (!user || !ok || user.disabled) {
      await audit.record({
        actor,
        action: 'auth.login',
        outcome: 'failed',
        details: { reason: user?.disabled ? 'disabled' : 'bad_credentials' },
      });
      throw new HubError(ErrorCode.InvalidCredentials, 'wrong username or password');
    }
    // The second factor, when enrolled; throws mfa_required / mfa_invalid after the password matched.
    // The password matched: a missing or wrong code is the second factor's to count (mfa:<user>).
    const mfaAt = deps.mfa
      ? await deps.mfa.loginFactor(user, otp, actor).catch(async (err: unknown) => {
          await signIns.release(attempt);
          throw err;
        })
      : null;
    // The owner proved the password (and second factor): this attempt counts against nothing, and
    // the account's earlier failures are forgiven; the address keeps what other accounts did there.
    await signIns.release(attempt);
    await store.clearFailures(signInKeys(username, null, deps.signIn)[0].key);
    const session = await openSession(user, sourceIp, mfaAt);
    await audit.record({
      actor: { type: 'user', id: user.username, sourceIp },
      action: 'auth.login',
      target: `user:${user.id}`,
      details: { mfa: mfaAt !== null },
    });
    return session;
  }

  /** A new sign-in session of a user who proved who they are (and the second factor at `mfaAt`, if any). */
  async function openSession(user: User, sourceIp: string | null, mfaAt: string | null) {
    const token = newSecret();
    const now = clock.now();
    const expiresAt = new Date(now.getTime() + deps.sessionTtlMinutes * 60_000).toISOString();
    await store.insertSession({
      idHash: sha256Hex(token),
      userId: user.id,
      createdAt: now.toISOString(),
      expiresAt,
      sourceIp,
    });
    if (mfaAt) await deps.mfa?.rememberSession(sha256Hex(token), mfaAt);
    await store.update(user.id, { last_login_at: now.toISOString() });
    return { sessionToken: token, expiresAt, user: publicUser(user) };
  }

  async function principalFromSession(token: string, sourceIp: string | null): Promise<Principal | null> {
    const idHash = sha256Hex(token);
    const user = await store.sessionUser(idHash, clock.now().toISOString());
    if (!user || user.disabled) return null;
    const m = deps.mfa ? await deps.mfa.sessionState(idHash, user) : null;
    return {
      kind: 'user',
      id: user.id,
      userId: user.id,
      username: user.username,
      role: user.role,
      sourceIp,
      mfaAt: m?.mfaAt ?? null,
      mfaEnrolled: m?.enrolled ?? false,
      mfaPending: m?.pending ?? false,
      sessionHash: idHash,
    };
  }

  async function principalFromApiToken(token: string, sourceIp: string | null): Promise<Principal | null> {
    if (!token.startsWith(TOKEN_PREFIX)) return null;
    const t = await store.tokenBySecretHash(sha256Hex(token));
    if (!t || t.revoked || (t.expiresAt && t.expiresAt <= clock.now().toISOString())) return null;
    const owner = await store.byId(t.userId);
    if (!owner || owner.disabled) return null;
    await store.touchToken(t.id, clock.now().toISOString());
    // A token never has more power than its owner has today.
    const role = roleAllows(owner.role, t.role) ? t.role : owner.role;
    const mfaEnrolled = deps.mfa ? await deps.mfa.isEnrolled(owner.id) : false;
    // The owner's role requires a second factor they have not enrolled: their tokens are held to
    // the same set-up routes as their sessions, or a token would be a way around the rule.
    const mfaPending = !mfaEnrolled && deps.mfa ? await deps.mfa.requiredFor(owner.role) : false;
    return {
      kind: 'token',
      id: t.id,
      userId: owner.id,
      username: owner.username,
      role,
      sourceIp,
      mfaAt: null,
      mfaEnrolled,
      mfaPending,
    };
  }

  async function createUser(by: Principal, input: { username: string; password: string; role: Role }): Promise<User> {
    if (await store.byUsername(input.username)) throw new Conflict(`user "${input.username}" already exists`);
    const user = await insertUser(input);
    await audit.record({
      actor: actorOf(by),
      action: 'user.create',
      target: `user:${user.id}`,
      details: { username: user.username, role: user.role },
    });
    return user;
  }

  async function insertUser(input: { username: string; password: string; role: Role }): Promise<User> {
    const user = {
      id: newId('usr'),
      username: input.username,
      role: input.role,
      disabled: false,
      createdAt: clock.now().toISOString(),
      lastLoginAt: null,
      passwordHash: await hash(input.password, ARGON),
    };
    await store.insert(user);
    return publicUser(user);
  }

  async function updateUser(
    by: Principal,
    id: string,
    patch: { role?: Role; disabled?: boolean; password?: string; groups?: string[] },
  ): Promise<User> {
    const user = await store.byId(id);
    if (!user) throw new NotFound('user', id);
    if (by.userId === id && ((patch.role && patch.role !== user.role) || patch.disabled)) {
      throw new ValidationError('you cannot change your own role or disable yourself');
    }
    const columns = {
      ...(patch.role ? { role: patch.role } : {}),
      ...(patch.disabled !== undefined ? { disabled: patch.disabled ? 1 : 0 } : {}),
      ...(patch.password ? { password_hash: await hash(patch.password, ARGON) } : {}),
    };
    if (patch.groups) await setGroups(id, patch.groups);
    if (Object.keys(columns).length > 0) await store.update(id, columns);
    if (patch.disabled || patch.password) await store.deleteSessionsOf(id);
    await audit.record({
      actor: actorOf(by),
      action: 'user.update',
      target: `user:${id}`,
      details: {
        role: patch.role,
        disabled: patch.disabled,
        passwordChanged: patch.password !== undefined,
        groups: patch.groups,
      },
    });
    return withGroups(publicUser((await store.byId(id))!));
  }

  async function setGroups(id: string, groups: string[]) {
    if (!deps.scopes) throw new ValidationError('group scopes are not available on this hub', { path: '/groups' });
    groups.forEach((g, i) => {
      if (!GROUP_PATH.test(g))
        throw new ValidationError(`"${g.slice(0, 80)}" is not a group path`, { path: `/groups/${i}` });
    });
    await deps.scopes.set(id, [...new Set(groups)]);
  }

  async function withGroups(u: User): Promise<User> {
    return deps.scopes ? { ...u, groups: await deps.scopes.of(u.id) } : u;
  }

  async function listUsers(): Promise<User[]> {
    const [users, scopes] = await Promise.all([
      store.list(),
      deps.scopes?.all() ?? Promise.resolve(new Map<string, string[]>()),
    ]);
    return users.map((u) => (deps.scopes ? { ...u, groups: scopes.get(u.id) ?? [] } : u));
  }

  async function createApiToken(by: Principal, input: { name: string; role: Role; expiresInDays?: number }) {
    if (!roleAllows(by.role, input.role)) throw new Forbidden('a token cannot have more power than its creator');
    const secret = `${TOKEN_PREFIX}${newSecret()}`;
    const now = clock.now();
    const record: ApiToken = {
      id: newId('tok'),
      name: input.name,
      role: input.role,
      userId: by.userId,
      expiresAt: input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * 86_400_000).toISOString() : null,
      createdAt: now.toISOString(),
      lastUsedAt: null,
    };
    await store.insertToken({ ...record, secretHash: sha256Hex(secret) });
    await audit.record({
      actor: actorOf(by),
      action: 'token.create',
      target: `token:${record.id}`,
      details: { name: record.name, role: record.role },
    });
    return { token: secret, record };
  }

  async function revokeApiToken(by: Principal, id: string): Promise<void> {
    const t = await store.tokenById(id);
    if (!t || (t.userId !== by.userId && by.role !== 'admin')) throw new NotFound('token', id);
    await store.revokeToken(id);
    await audit.record({ actor: actorOf(by), action: 'token.revoke', target: `token:${id}` });
  }

  async function listApiTokens(by: Principal): Promise<ApiToken[]> {
    const all = await store.listTokens(by.role === 'admin' ? undefined : by.userId);
    return all.filter((t) => !t.revoked).map(({ revoked: _r, ...t }) => t);
  }

  /** A signed-in user changes their own password: the current one proves it is them. */
  async function changeOwnPassword(by: Principal, current: string, next: string): Promise<void> {
    if (by.kind !== 'user') throw new Forbidden("an API token cannot change its owner's password; sign in");
    const user = await store.byId(by.userId);
    if (!user) throw new NotFound('user', by.userId);
    if (!(await verify(user.passwordHash, current))) {
      await audit.record({
        actor: actorOf(by),
        action: 'user.password_change',
        target: `user:${user.id}`,
        outcome: 'denied',
        details: { reason: 'bad_credentials' },
      });
      // Not 401: the session is fine, and a client that treats 401 as "signed out" must not drop it.
      throw new ValidationError('the current password is wrong', { path: '/currentPassword' });
    }
    if (current === next) throw new ValidationError('the new password is the current one', { path: '/newPassword' });
    await store.update(user.id, { password_hash: await hash(next, ARGON) });
    // Every other session ends: whoever may have known the old password is signed out.
    await store.deleteSessionsOf(user.id, by.sessionHash);
    await audit.record({ actor: actorOf(by), action: 'user.password_change', target: `user:${user.id}` });
  }

  /**
   * Sets a user's password for whoever holds the data directory (`outpost hub reset-password`),
   * the way back in when no admin can sign in. Ends the user's sessions and re-enables the account.
   */
  async function resetPassword(actor: Actor, username: string, password: string): Promise<User> {
    const user = await store.byUsername(username);
    if (!user) throw new NotFound('user', username);
    await store.update(user.id, { password_hash: await hash(password, ARGON), disabled: 0 });
    await store.deleteSessionsOf(user.id);
    await audit.record({
      actor,
      action: 'user.password_reset',
      target: `user:${user.id}`,
      details: { username: user.username, reenabled: user.disabled },
    });
    return publicUser((await store.byId(user.id))!);
  }

  /** On first start: create `admin` with the given password, or a random one returned to print once. */
  async function ensureInitialAdmin(password?: string): Promise<{ created: boolean; generatedPassword?: string }> {
    if ((await store.count()) > 0) return { created: false };
    const pw = password ?? newSecret(12);
    const user = await insertUser({ username: 'admin', password: pw, role: 'admin' });
    await audit.record({
      actor: { type: 'system', id: 'hub' },
      action: 'user.create',
      target: `user:${user.id}`,
      details: { username: 'admin', role: 'admin', initial: true },
    });
    return { created: true, generatedPassword: password ? undefined : pw };
  }

  return {
    login,
    openSession,
    async logout(token: string) {
      await store.deleteSession(sha256Hex(token));
      await deps.mfa?.forgetSession(sha256Hex(token));
    },
    principalFromSession,
    principalFromApiToken,
    createUser,
    updateUser,
    listUsers,
    /** Group paths the user is confined to; empty when they see every device. */
    groupScope: async (userId: string) => (deps.scopes ? deps.scopes.of(userId) : []),
    createApiToken,
    revokeApiToken,
    listApiTokens,
    ensureInitialAdmin,
    changeOwnPassword,
    resetPassword,
  };
}

function publicUser(u: User & { passwordHash?: string }): User {
  const { passwordHash: _p, ...rest } = u;
  return rest;
}
