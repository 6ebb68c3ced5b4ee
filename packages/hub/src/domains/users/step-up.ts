import { ErrorCode } from '@outpost/protocol';
import { HubError } from '../../platform/errors.js';
import type { Clock } from '../../platform/clock.js';
import { DANGEROUS_ACTION, type StepUp as StepUpPort, type StepUpPurpose } from '../../platform/step-up.js';
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

/** How recent a second factor must be for a dangerous action (rollouts, guard write grants). */
export const DANGEROUS_ACTION_MAX_AGE_S = DANGEROUS_ACTION.maxAgeS;

export type StepUp = (p: Principal, code: string) => Promise<Principal>;

/**
 * The step-up hook dangerous actions share: anyone who has a second factor must have proved it
 * within `maxAgeS` (or send a code with the request, which `stepUp` verifies). Whether a role must
 * have a second factor at all is the MFA role policy's business.
 */
export function stepUpIfEnrolled(clock: Clock, stepUp?: StepUp, maxAgeS = DANGEROUS_ACTION_MAX_AGE_S) {
  const port = createStepUp(clock, stepUp);
  return async (p: Principal, otp: string | undefined): Promise<void> => {
    await port.require(p, { maxAgeS, onlyIfEnrolled: true }, otp);
  };
}

/**
 * The platform's step-up port over the second factor: a code sent with the request is proved
 * first (`prove`, the MFA service's `stepUp`), then the caller's `mfaAt` must be recent enough.
 */
export function createStepUp(clock: Clock, prove?: StepUp): StepUpPort<Principal> {
  return {
    async require(p: Principal, purpose: StepUpPurpose, code?: string): Promise<Principal> {
      const who = code && prove ? await prove(p, code) : p;
      if (who.mfaEnrolled || !purpose.onlyIfEnrolled) requireFreshMfa(who, purpose.maxAgeS, clock.now());
      return who;
    },
  };
}
