import { ErrorCode } from '@outpost/protocol';
import { HubError } from '../../platform/errors.js';
import type { Clock } from '../../platform/clock.js';
import type { StepUp, StepUpPurpose } from '../../platform/step-up.js';
import type { Principal } from './principal.js';

/**
 * The step-up check for dangerous actions (remote access, firmware rollouts, guard write grants):
 * the caller must have proved a second factor no more than `maxAgeS` seconds ago.
 *
 * A principal's `mfaAt` is set by signing in with a code, by `POST /api/v1/auth/mfa/verify`, or by
 * an `otp` a route accepted and passed to `users.stepUp(principal, otp)` just before this call.
 * Throws `mfa_step_up_required` (403) with `details: { maxAgeS, enrolled }` otherwise.
 */
export function requireFreshMfa(principal: Principal, maxAgeS: number, now: Date): void {
  const at = principal.mfaAt ? Date.parse(principal.mfaAt) : NaN;
  const ageS = (now.getTime() - at) / 1000;
  if (Number.isFinite(ageS) && ageS <= maxAgeS && ageS >= -5) return;
  const enrolled = principal.mfaEnrolled ?? false;
  const how = enrolled
    ? 'confirm with a code from your authenticator (outpost mfa verify, or pass --otp)'
    : 'enroll an authenticator first (outpost mfa enroll)';
  throw new HubError(
    ErrorCode.MfaStepUpRequired,
    `this action needs a second factor from the last ${maxAgeS} s: ${how}`,
    { maxAgeS, enrolled },
  );
}

/** Proves a code sent with a request (the MFA service's `stepUp`): the caller as it is afterwards. */
type ProveCode = (p: Principal, code: string) => Promise<Principal>;

/**
 * The platform's step-up port over the second factor: a code sent with the request is proved
 * first (`prove`, the MFA service's `stepUp`), then the caller's `mfaAt` must be recent enough.
 */
export function createStepUp(clock: Clock, prove?: ProveCode): StepUp<Principal> {
  return {
    async require(p: Principal, purpose: StepUpPurpose, code?: string): Promise<Principal> {
      const who = code && prove ? await prove(p, code) : p;
      if (who.mfaEnrolled || !purpose.onlyIfEnrolled) requireFreshMfa(who, purpose.maxAgeS, clock.now());
      return who;
    },
  };
}
