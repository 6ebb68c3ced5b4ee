import type { Clock } from '../../platform/clock.js';
import { DANGEROUS_ACTION_MAX_AGE_S, stepUpIfEnrolled, type StepUp } from '../users/index.js';

// A write grant lets someone change a live process: anyone who has a second factor must
// have proved it within the last five minutes (or send a code with the request).
export const GRANT_STEP_UP_MAX_AGE_S = DANGEROUS_ACTION_MAX_AGE_S;

export type { StepUp };

/** The `requireFreshMfa` hook of the guard service. `stepUp` verifies a code sent with the request. */
export function grantStepUp(clock: Clock, stepUp?: StepUp) {
  return stepUpIfEnrolled(clock, stepUp, GRANT_STEP_UP_MAX_AGE_S);
}
