import type { Clock } from '../../platform/clock.js';
import type { Principal } from '../users/principal.js';
import { requireFreshMfa } from '../users/step-up.js';

// A write grant lets someone change a live process: anyone who has a second factor must
// have proved it within the last five minutes (or send a code with the request). Whether a
// role must have a second factor at all is the MFA role policy's business (users domain).
export const GRANT_STEP_UP_MAX_AGE_S = 300;

export type StepUp = (p: Principal, code: string) => Promise<Principal>;

/** The `requireFreshMfa` hook of the guard service. `stepUp` verifies a code sent with the request. */
export function grantStepUp(clock: Clock, stepUp?: StepUp) {
  return async (p: Principal, otp: string | undefined): Promise<void> => {
    const who = otp && stepUp ? await stepUp(p, otp) : p;
    if (who.mfaEnrolled) requireFreshMfa(who, GRANT_STEP_UP_MAX_AGE_S, clock.now());
  };
}
