import { ErrorCode, ROLES, type MfaEnrollment, type MfaStatus, type Role } from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import { Conflict, HubError, NotFound, ValidationError } from '../../platform/errors.js';
import { sha256Hex } from '../../platform/ids.js';
import { decryptWithKek, encryptWithKek } from '../../platform/kek-seal.js';
import type { AuditLog } from '../audit/index.js';
import type { Actor } from '../audit/index.js';
import type { UsersStore } from './users.store.js';
import type { MfaStore } from './mfa.store.js';
import { actorOf, type Principal } from './principal.js';
import { requireFreshMfa } from './step-up.js';
import { createFailureWindow } from '../../platform/throttle.js';
import { looksLikeRecoveryCode, newRecoveryCodes, newTotpSecret, otpauthUri, qrSvg, totpStep } from './totp.js';

// Changing one's own second factor needs a proof of the current one this recent.
const CHANGE_MAX_AGE_S = 300;

export interface MfaDeps {
  store: MfaStore;
  users: UsersStore;
  audit: AuditLog;
  clock: Clock;
  kek: Buffer;
  /** Shown in the authenticator app next to the account name. */
  issuer: string;
  maxFailures: number;
  windowMinutes: number;
}

export interface MfaService {
  loginFactor: (
    user: {
      id: string;
      username: string;
    },
    otp: string | undefined,
    actor: Actor,
  ) => Promise<string | null>;
  sessionState: (
    idHash: string,
    user: {
      id: string;
      role: Role;
    },
  ) => Promise<{
    mfaAt: string | null;
    enrolled: boolean;
    pending: boolean;
  }>;
  stepUp: (p: Principal, code: string) => Promise<Principal>;
  status: (p: Principal) => Promise<MfaStatus>;
  startEnrollment: (p: Principal) => Promise<MfaEnrollment>;
  confirmEnrollment: (
    p: Principal,
    code: string,
  ) => Promise<{
    recoveryCodes: string[];
    principal: Principal;
  }>;
  regenerateRecoveryCodes: (p: Principal) => Promise<string[]>;
  disable: (p: Principal) => Promise<void>;
  reset: (by: Principal, userId: string) => Promise<void>;
  rolePolicy: () => Promise<Record<Role, boolean>>;
  setRolePolicy: (by: Principal, patch: Partial<Record<Role, boolean>>) => Promise<Record<Role, boolean>>;
  requiredFor: (role: Role) => Promise<boolean>;
  isEnrolled: (userId: string) => Promise<boolean>;
  forgetSession: (idHash: string) => Promise<void>;
  rememberSession: (idHash: string, at: string) => Promise<void>;
}

/** TOTP second factor: enrollment, codes at sign-in and step-up, recovery codes, per-role requirement. */
export function createMfaService(d: MfaDeps): MfaService {
  const aad = (userId: string) => `outpost:user-mfa:${userId}`;
  const seal = (userId: string, secret: string) =>
    encryptWithKek(d.kek, Buffer.from(secret, 'utf8'), aad(userId)).toString('base64');
  const open = (userId: string, blob: string) =>
    decryptWithKek(d.kek, Buffer.from(blob, 'base64'), aad(userId)).toString('utf8');
  const recoveryHash = (userId: string, code: string) => sha256Hex(`${userId}:${code.trim().toLowerCase()}`);
  const nowIso = () => d.clock.now().toISOString();
  // Read at each check, not cached: another hub replica on the same database may change it, and a
  // replica must not go on letting a role in without the second factor it now requires.
  // Wrong codes per user, a hard limit inside the window (no back-off), kept in the database.
  const wrongCodes = createFailureWindow({ store: d.users, clock: d.clock, windowMinutes: d.windowMinutes });

  async function requiredFor(role: Role): Promise<boolean> {
    return (await d.store.rolePolicy()).get(role) ?? false;
  }

  async function guardRate(userId: string) {
    if (await wrongCodes.atLimit(`mfa:${userId}`, d.maxFailures))
      throw new HubError(ErrorCode.RateLimited, 'too many wrong codes; try again later');
  }

  /** Checks a TOTP or recovery code of an enrolled user; spends it. */
  async function checkCode(
    userId: string,
    code: string,
  ): Promise<{ ok: true; kind: 'totp' | 'recovery' } | { ok: false; reason: string }> {
    const rec = await d.store.get(userId);
    if (!rec?.secretEnc) return { ok: false, reason: 'not_enrolled' };
    if (looksLikeRecoveryCode(code)) {
      return (await d.store.useRecoveryCode(userId, recoveryHash(userId, code), nowIso()))
        ? { ok: true, kind: 'recovery' }
        : { ok: false, reason: 'bad_recovery_code' };
    }
    const step = await totpStep(open(userId, rec.secretEnc), code.trim(), d.clock.now().getTime());
    if (step === null) return { ok: false, reason: 'bad_code' };
    // RFC 6238 §5.2: the verifier must not accept the second attempt of the same OTP.
    if (!(await d.store.advanceStep(userId, step))) return { ok: false, reason: 'replayed' };
    return { ok: true, kind: 'totp' };
  }

  /** Verifies a code for `userId` or throws; failures count towards the rate limit and are audited. */
  async function proveOrThrow(
    userId: string,
    code: string,
    actor: Actor,
    action: string,
  ): Promise<'totp' | 'recovery'> {
    await guardRate(userId);
    const r = await checkCode(userId, code);
    if (!r.ok) {
      await d.users.addFailure(`mfa:${userId}`, nowIso());
      await d.audit.record({
        actor,
        action,
        target: `user:${userId}`,
        outcome: 'failed',
        details: { reason: r.reason },
      });
      throw new HubError(
        ErrorCode.MfaInvalid,
        r.reason === 'replayed' ? 'that code was used already; wait for the next one' : 'wrong or expired code',
      );
    }
    return r.kind;
  }

  /** At sign-in, after the password matched: the code when enrolled. Returns when the factor was proved. */
  async function loginFactor(
    user: { id: string; username: string },
    otp: string | undefined,
    actor: Actor,
  ): Promise<string | null> {
    const rec = await d.store.get(user.id);
    if (!rec?.secretEnc) return null;
    if (!otp) {
      // The first of a two-step sign-in: the password matched and the code is asked for. Nothing
      // was refused, so no "denied" sign-in stands in the log before the successful one.
      await d.audit.record({
        actor,
        action: 'auth.login.challenge',
        target: `user:${user.id}`,
        details: { factor: 'totp' },
      });
      throw new HubError(
        ErrorCode.MfaRequired,
        'this account uses a second factor: send the code from your authenticator as "otp"',
      );
    }
    const kind = await proveOrThrow(user.id, otp, actor, 'auth.login');
    if (kind === 'recovery') await d.audit.record({ actor, action: 'mfa.recovery.use', target: `user:${user.id}` });
    return nowIso();
  }

  /** MFA facts about a signed-in session, for its principal. */
  async function sessionState(idHash: string, user: { id: string; role: Role }) {
    const rec = await d.store.get(user.id);
    const enrolled = !!rec?.secretEnc;
    const mfaAt = await d.store.sessionVerifiedAt(idHash);
    // A session whose identity provider proved a second factor is not waiting for one.
    return { mfaAt, enrolled, pending: !enrolled && mfaAt === null && (await requiredFor(user.role)) };
  }

  /** Step-up: proves the second factor now; a sign-in session remembers it. */
  async function stepUp(p: Principal, code: string): Promise<Principal> {
    const kind = await proveOrThrow(p.userId, code, actorOf(p), 'mfa.verify');
    const at = nowIso();
    if (p.sessionHash) await d.store.setSessionVerified(p.sessionHash, at);
    await d.audit.record({ actor: actorOf(p), action: 'mfa.verify', target: `user:${p.userId}`, details: { kind } });
    return { ...p, mfaAt: at, mfaEnrolled: true };
  }

  async function status(p: Principal): Promise<MfaStatus> {
    const rec = await d.store.get(p.userId);
    return {
      enrolled: !!rec?.secretEnc,
      enrolledAt: rec?.confirmedAt ?? null,
      pending: !!rec?.pendingSecretEnc,
      recoveryCodesLeft: rec?.secretEnc ? await d.store.recoveryCodesLeft(p.userId) : 0,
      requiredForRole: await requiredFor(p.role),
      verifiedAt: p.mfaAt ?? null,
    };
  }

  async function startEnrollment(p: Principal): Promise<MfaEnrollment> {
    if (p.kind !== 'user') throw new ValidationError('enroll MFA from a signed-in session, not with an API token');
    const rec = await d.store.get(p.userId);
    if (rec?.secretEnc) requireFreshMfa(p, CHANGE_MAX_AGE_S, d.clock.now());
    const secret = newTotpSecret();
    await d.store.setPending(p.userId, seal(p.userId, secret), nowIso());
    await d.audit.record({
      actor: actorOf(p),
      action: 'mfa.enroll.start',
      target: `user:${p.userId}`,
      details: { replacing: !!rec?.secretEnc },
    });
    const uri = otpauthUri(d.issuer, p.username, secret);
    return { secret, otpauthUri: uri, qrSvg: await qrSvg(uri) };
  }

  /** The first code confirms the new authenticator; answers the recovery codes, shown once. */
  async function confirmEnrollment(
    p: Principal,
    code: string,
  ): Promise<{ recoveryCodes: string[]; principal: Principal }> {
    const rec = await d.store.get(p.userId);
    if (!rec?.pendingSecretEnc)
      throw new Conflict('no enrollment in progress: start one with POST /api/v1/auth/mfa/enroll');
    await guardRate(p.userId);
    const step = await totpStep(open(p.userId, rec.pendingSecretEnc), code.trim(), d.clock.now().getTime());
    if (step === null || !(await d.store.confirm(p.userId, nowIso(), step))) {
      await d.users.addFailure(`mfa:${p.userId}`, nowIso());
      await d.audit.record({
        actor: actorOf(p),
        action: 'mfa.enroll.confirm',
        target: `user:${p.userId}`,
        outcome: 'failed',
        details: { reason: 'bad_code' },
      });
      throw new HubError(ErrorCode.MfaInvalid, 'wrong or expired code');
    }
    const codes = newRecoveryCodes();
    await d.store.replaceRecoveryCodes(
      p.userId,
      codes.map((c) => recoveryHash(p.userId, c)),
    );
    const at = nowIso();
    if (p.sessionHash) await d.store.setSessionVerified(p.sessionHash, at);
    await d.audit.record({
      actor: actorOf(p),
      action: 'mfa.enroll.confirm',
      target: `user:${p.userId}`,
      details: { recoveryCodes: codes.length },
    });
    return { recoveryCodes: codes, principal: { ...p, mfaAt: at, mfaEnrolled: true, mfaPending: false } };
  }

  async function regenerateRecoveryCodes(p: Principal): Promise<string[]> {
    if (!(await d.store.get(p.userId))?.secretEnc) throw new Conflict('MFA is not enrolled');
    requireFreshMfa(p, CHANGE_MAX_AGE_S, d.clock.now());
    const codes = newRecoveryCodes();
    await d.store.replaceRecoveryCodes(
      p.userId,
      codes.map((c) => recoveryHash(p.userId, c)),
    );
    await d.audit.record({ actor: actorOf(p), action: 'mfa.recovery.regenerate', target: `user:${p.userId}` });
    return codes;
  }

  async function disable(p: Principal): Promise<void> {
    if (await requiredFor(p.role))
      throw new HubError(ErrorCode.Forbidden, `MFA is required for the ${p.role} role; an admin can reset it instead`);
    requireFreshMfa(p, CHANGE_MAX_AGE_S, d.clock.now());
    await d.store.remove(p.userId);
    await d.audit.record({ actor: actorOf(p), action: 'mfa.disable', target: `user:${p.userId}` });
  }

  /** An admin clears a user's second factor (lost phone); the user enrolls again. */
  async function reset(by: Principal, userId: string): Promise<void> {
    if (!(await d.users.byId(userId))) throw new NotFound('user', userId);
    await d.store.remove(userId);
    await d.users.deleteSessionsOf(userId);
    await d.audit.record({ actor: actorOf(by), action: 'mfa.reset', target: `user:${userId}` });
  }

  async function rolePolicy(): Promise<Record<Role, boolean>> {
    return Object.fromEntries(await Promise.all(ROLES.map(async (r) => [r, await requiredFor(r)]))) as Record<
      Role,
      boolean
    >;
  }

  async function setRolePolicy(by: Principal, patch: Partial<Record<Role, boolean>>): Promise<Record<Role, boolean>> {
    for (const [role, required] of Object.entries(patch))
      await d.store.setRolePolicy(role, !!required, by.username, nowIso());
    await d.audit.record({ actor: actorOf(by), action: 'mfa.policy.update', target: 'mfa-policy', details: patch });
    return rolePolicy();
  }

  return {
    loginFactor,
    sessionState,
    stepUp,
    status,
    startEnrollment,
    confirmEnrollment,
    regenerateRecoveryCodes,
    disable,
    reset,
    rolePolicy,
    setRolePolicy,
    requiredFor,
    isEnrolled: async (userId: string) => !!(await d.store.get(userId))?.secretEnc,
    forgetSession: (idHash: string) => d.store.forgetSession(idHash),
    rememberSession: (idHash: string, at: string) => d.store.setSessionVerified(idHash, at),
  };
}
