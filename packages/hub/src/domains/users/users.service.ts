import { hash, verify } from '@node-rs/argon2';
import { ErrorCode, type ApiToken, type Role, type User } from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import { HubError, NotFound, Conflict, Forbidden, ValidationError } from '../../platform/errors.js';
import { newId, newSecret, sha256Hex } from '../../platform/ids.js';
import type { AuditLog } from '../audit/audit.log.js';
import type { Actor } from '../audit/audit.types.js';
import type { UsersStore } from './users.store.js';
import { actorOf, roleAllows, type Principal } from './principal.js';

// OWASP password storage cheat sheet: argon2id, m=19 MiB, t=2, p=1.
const ARGON = { algorithm: 2 /* Algorithm.Argon2id (a const enum) */, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
const TOKEN_PREFIX = 'opt_';

export interface UsersDeps {
  store: UsersStore;
  audit: AuditLog;
  clock: Clock;
  sessionTtlMinutes: number;
  loginMaxFailures: number;
  loginWindowMinutes: number;
}

export type UsersService = ReturnType<typeof createUsersService>;

export function createUsersService(deps: UsersDeps) {
  const { store, audit, clock } = deps;
  // Verified against when the user does not exist, so both paths cost the same time.
  const dummyHash = hash('outpost-dummy-password', ARGON);

  async function rateLimited(keys: string[]): Promise<boolean> {
    const since = new Date(clock.now().getTime() - deps.loginWindowMinutes * 60_000).toISOString();
    for (const k of keys) if ((await store.countFailures(k, since)) >= deps.loginMaxFailures) return true;
    return false;
  }

  async function login(username: string, password: string, sourceIp: string | null) {
    const actor: Actor = { type: 'anonymous', id: username.slice(0, 64), sourceIp };
    const keys = [`user:${username.toLowerCase()}`, ...(sourceIp ? [`ip:${sourceIp}`] : [])];
    if (await rateLimited(keys)) {
      await audit.record({ actor, action: 'auth.login', outcome: 'denied', details: { reason: 'rate_limited' } });
      throw new HubError(ErrorCode.RateLimited, 'too many failed sign-ins; try again later');
    }
    const user = await store.byUsername(username);
    const ok = await verify(user?.passwordHash ?? (await dummyHash), password);
    if (!user || !ok || user.disabled) {
      const now = clock.now().toISOString();
      for (const k of keys) await store.addFailure(k, now);
      await audit.record({ actor, action: 'auth.login', outcome: 'failed', details: { reason: user?.disabled ? 'disabled' : 'bad_credentials' } });
      throw new HubError(ErrorCode.InvalidCredentials, 'wrong username or password');
    }
    await store.clearFailures(keys[0]);
    const token = newSecret();
    const now = clock.now();
    const expiresAt = new Date(now.getTime() + deps.sessionTtlMinutes * 60_000).toISOString();
    await store.insertSession({ idHash: sha256Hex(token), userId: user.id, createdAt: now.toISOString(), expiresAt, sourceIp });
    await store.update(user.id, { last_login_at: now.toISOString() });
    await audit.record({ actor: { type: 'user', id: user.username, sourceIp }, action: 'auth.login', target: `user:${user.id}` });
    return { sessionToken: token, expiresAt, user: publicUser(user) };
  }

  async function principalFromSession(token: string, sourceIp: string | null): Promise<Principal | null> {
    const user = await store.sessionUser(sha256Hex(token), clock.now().toISOString());
    if (!user || user.disabled) return null;
    return { kind: 'user', id: user.id, userId: user.id, username: user.username, role: user.role, sourceIp };
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
    return { kind: 'token', id: t.id, userId: owner.id, username: owner.username, role, sourceIp };
  }

  async function createUser(by: Principal, input: { username: string; password: string; role: Role }): Promise<User> {
    if (await store.byUsername(input.username)) throw new Conflict(`user "${input.username}" already exists`);
    const user = await insertUser(input);
    await audit.record({ actor: actorOf(by), action: 'user.create', target: `user:${user.id}`, details: { username: user.username, role: user.role } });
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

  async function updateUser(by: Principal, id: string, patch: { role?: Role; disabled?: boolean; password?: string }): Promise<User> {
    const user = await store.byId(id);
    if (!user) throw new NotFound('user', id);
    if (by.userId === id && (patch.role && patch.role !== user.role || patch.disabled)) {
      throw new ValidationError('you cannot change your own role or disable yourself');
    }
    await store.update(id, {
      ...(patch.role ? { role: patch.role } : {}),
      ...(patch.disabled !== undefined ? { disabled: patch.disabled ? 1 : 0 } : {}),
      ...(patch.password ? { password_hash: await hash(patch.password, ARGON) } : {}),
    });
    if (patch.disabled || patch.password) await store.deleteSessionsOf(id);
    await audit.record({
      actor: actorOf(by),
      action: 'user.update',
      target: `user:${id}`,
      details: { role: patch.role, disabled: patch.disabled, passwordChanged: patch.password !== undefined },
    });
    return publicUser((await store.byId(id))!);
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
    await audit.record({ actor: actorOf(by), action: 'token.create', target: `token:${record.id}`, details: { name: record.name, role: record.role } });
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

  /** On first start: create `admin` with the given password, or a random one returned to print once. */
  async function ensureInitialAdmin(password?: string): Promise<{ created: boolean; generatedPassword?: string }> {
    if ((await store.count()) > 0) return { created: false };
    const pw = password ?? newSecret(12);
    const user = await insertUser({ username: 'admin', password: pw, role: 'admin' });
    await audit.record({ actor: { type: 'system', id: 'hub' }, action: 'user.create', target: `user:${user.id}`, details: { username: 'admin', role: 'admin', initial: true } });
    return { created: true, generatedPassword: password ? undefined : pw };
  }

  return {
    login,
    logout: (token: string) => store.deleteSession(sha256Hex(token)),
    principalFromSession,
    principalFromApiToken,
    createUser,
    updateUser,
    listUsers: () => store.list(),
    createApiToken,
    revokeApiToken,
    listApiTokens,
    ensureInitialAdmin,
  };
}

function publicUser(u: User & { passwordHash?: string }): User {
  const { passwordHash: _p, ...rest } = u;
  return rest;
}
