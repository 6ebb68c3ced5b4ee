import { ErrorCode, type Role } from '@outpost/protocol';
import type { Clock } from '../../../platform/clock.js';
import { newId } from '../../../platform/ids.js';
import type { OidcProviderConfig } from '../../../config/oidc-providers.js';
import type { Actor, AuditLog } from '../../audit/index.js';
import type { UsersStore, UserWithHash } from '../users.store.js';
import type { UserScopeStore } from '../user-scope.store.js';
import { claimAt, claimValues, isAllowed, mapClaims, providerProvedMfa, type Claims } from './claim-mapping.js';
import { SsoRefused } from './sso-refused.js';
import type { SsoStore } from './sso.store.js';

// Same shape as usernames created through the API (protocol NewUserBody).
const USERNAME = /^[a-zA-Z0-9_.@-]{1,64}$/;
// A password hash no password verifies against: users of a provider sign in there only.
export const NO_LOCAL_PASSWORD = '!sso';

export interface ProvisioningDeps {
  store: SsoStore;
  users: UsersStore;
  scopes: UserScopeStore;
  audit: AuditLog;
  clock: Clock;
}

export interface Provisioned {
  user: UserWithHash;
  /** When the provider proved a second factor (its amr/acr as configured), else null. */
  mfaAt: string | null;
}

/**
 * The Outpost user behind a provider's claims: created at the first sign-in, its role and group
 * scope replaced from the claim rules at every sign-in, deactivated when no rule matches any more.
 */
export function createSsoProvisioning(d: ProvisioningDeps) {
  const nowIso = () => d.clock.now().toISOString();

  async function refuse(actor: Actor, p: OidcProviderConfig, code: ErrorCode, reason: string, message: string) {
    await d.audit.record({
      actor,
      action: 'auth.login',
      outcome: 'denied',
      details: { provider: p.id, reason },
    });
    return new SsoRefused(code, message, reason);
  }

  async function provision(p: OidcProviderConfig, claims: Claims, sourceIp: string | null): Promise<Provisioned> {
    const subject = typeof claims.sub === 'string' ? claims.sub : '';
    const actor: Actor = { type: 'anonymous', id: `${p.id}:${subject.slice(0, 64)}`, sourceIp };
    if (!isAllowed(p.allowUsers, claims))
      throw await refuse(
        actor,
        p,
        ErrorCode.SsoNotAllowed,
        'not_allowed',
        `${p.label} users like this one may not sign in here`,
      );
    const proved = providerProvedMfa(p.mfa, claims);
    if (p.mfa?.required && !proved)
      throw await refuse(
        actor,
        p,
        ErrorCode.SsoMfaRequired,
        'mfa_required',
        `sign in to ${p.label} with a second factor`,
      );
    const mapping = mapClaims(p.rules, claims);
    const linked = await d.store.identity(p.id, subject);
    if (!mapping) {
      if (linked) await deactivate(linked.userId, subject, p, actor);
      throw await refuse(
        actor,
        p,
        ErrorCode.SsoNoMapping,
        'no_mapping',
        `no ${p.label} group of yours gives access to Outpost`,
      );
    }
    const user = linked ? await existing(linked, p, actor) : await create(p, subject, claims, mapping.role, actor);
    await applyMapping(user, mapping, p, actor);
    const at = nowIso();
    await d.store.markSignIn(p.id, subject, { idpDisabled: false, at });
    await d.audit.record({
      actor: { type: 'user', id: user.username, sourceIp },
      action: 'auth.login',
      target: `user:${user.id}`,
      details: { provider: p.id, mfa: proved, role: mapping.role, groups: mapping.groups },
    });
    return { user: { ...user, role: mapping.role }, mfaAt: proved ? authTime(claims, at) : null };
  }

  async function existing(linked: { userId: string; idpDisabled: boolean }, p: OidcProviderConfig, actor: Actor) {
    const user = await d.users.byId(linked.userId);
    if (!user || (user.disabled && !linked.idpDisabled))
      throw await refuse(actor, p, ErrorCode.SsoUserDisabled, 'user_disabled', 'this Outpost account is deactivated');
    if (user.disabled) {
      // Deactivated because the provider's claims matched no rule; they match again.
      await d.users.update(user.id, { disabled: 0 });
      await d.audit.record({
        actor,
        action: 'user.update',
        target: `user:${user.id}`,
        details: { provider: p.id, disabled: false, reason: 'mapping_matches_again' },
      });
    }
    return { ...user, disabled: false };
  }

  async function create(p: OidcProviderConfig, subject: string, claims: Claims, role: Role, actor: Actor) {
    const username = claimValues(claimAt(claims, p.usernameClaim))[0] ?? '';
    if (!USERNAME.test(username))
      throw await refuse(
        actor,
        p,
        ErrorCode.SsoNotAllowed,
        'username_claim_invalid',
        `the ${p.usernameClaim} claim is not a usable user name`,
      );
    if (await d.users.byUsername(username))
      throw await refuse(
        actor,
        p,
        ErrorCode.SsoUsernameTaken,
        'username_taken',
        `an Outpost user named "${username}" exists already`,
      );
    const user: UserWithHash = {
      id: newId('usr'),
      username,
      role,
      disabled: false,
      createdAt: nowIso(),
      lastLoginAt: null,
      passwordHash: NO_LOCAL_PASSWORD,
    };
    await d.users.insert(user);
    await d.store.link({ provider: p.id, subject, userId: user.id, at: user.createdAt });
    await d.audit.record({
      actor,
      action: 'user.create',
      target: `user:${user.id}`,
      details: { username, role, provider: p.id, justInTime: true },
    });
    return user;
  }

  async function applyMapping(
    user: UserWithHash,
    m: { role: Role; groups: string[] },
    p: OidcProviderConfig,
    actor: Actor,
  ) {
    const before = { role: user.role, groups: await d.scopes.of(user.id) };
    const after = { role: m.role, groups: m.groups };
    if (before.role === after.role && before.groups.join('\n') === after.groups.join('\n')) return;
    if (before.role !== after.role) await d.users.update(user.id, { role: after.role });
    await d.scopes.set(user.id, after.groups);
    await d.audit.record({
      actor,
      action: 'user.update',
      target: `user:${user.id}`,
      details: { provider: p.id, reason: 'claim_mapping', before, after },
    });
  }

  // The scope is kept as it was (an empty one would be the whole fleet if an admin enabled the user again).
  async function deactivate(userId: string, subject: string, p: OidcProviderConfig, actor: Actor) {
    const user = await d.users.byId(userId);
    if (!user || user.disabled) return;
    const before = { role: user.role, groups: await d.scopes.of(userId) };
    await d.users.update(userId, { disabled: 1 });
    await d.users.deleteSessionsOf(userId);
    await d.store.markSignIn(p.id, subject, { idpDisabled: true, at: null });
    await d.audit.record({
      actor,
      action: 'user.update',
      target: `user:${userId}`,
      details: { provider: p.id, disabled: true, reason: 'no_mapping', before },
    });
  }

  return { provision };
}

// OpenID Connect Core §2: auth_time is in seconds since the epoch; one in the future is not believed.
function authTime(claims: Claims, nowIso: string): string {
  const t = typeof claims.auth_time === 'number' ? claims.auth_time * 1000 : NaN;
  return Number.isFinite(t) && t <= Date.parse(nowIso) ? new Date(t).toISOString() : nowIso;
}
