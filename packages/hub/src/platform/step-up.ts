// The step-up port: dangerous actions ask for a recent second factor through it. The users domain
// implements it (TOTP, `domains/users/step-up.ts`); other domains take it from the module wiring.

/** What a step-up check reads of the caller: when it last proved a second factor, whether it has one. */
export interface StepUpSubject {
  mfaAt?: string | null;
  mfaEnrolled?: boolean;
}

/** How fresh the second factor must be for one kind of action. */
export interface StepUpPurpose {
  /** The second factor must have been proved within this many seconds. */
  maxAgeS: number;
  /**
   * Ask only callers who have a second factor (whether a role must have one is the MFA role
   * policy's business); when false, a caller without one is refused too.
   */
  onlyIfEnrolled: boolean;
}

/** Rollouts, guard write grants, CA rotation, file writes, group renames, dangerous automations. */
export const DANGEROUS_ACTION: StepUpPurpose = { maxAgeS: 300, onlyIfEnrolled: true };

export interface StepUp<P extends StepUpSubject = StepUpSubject> {
  /**
   * Resolves with the caller as proved (a `code` sent with the request is verified first) when its
   * second factor is fresh enough for `purpose`; throws `mfa_step_up_required` otherwise.
   */
  require(principal: P, purpose: StepUpPurpose, code?: string): Promise<P>;
}

/** The `(principal, code)` check a route runs before an action of `purpose`. */
export function stepUpCheck<P extends StepUpSubject>(port: StepUp<P>, purpose: StepUpPurpose = DANGEROUS_ACTION) {
  return async (principal: P, code: string | undefined): Promise<void> => {
    await port.require(principal, purpose, code);
  };
}
