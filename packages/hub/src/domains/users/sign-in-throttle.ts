// How long a sign-in must wait after failures: counted per account and, with a higher limit, per
// address, so one address guessing many accounts is slowed without one typo-prone colleague
// locking everyone behind the same NAT out. The waiting itself is the platform's failure window
// (`platform/throttle.ts`), its counts kept in the database so every replica sees them.
import type { ThrottleKey as Key } from '../../platform/throttle.js';

export { BASE_DELAY_S, longestWait, secondsToWait, type FailureStats } from '../../platform/throttle.js';

export interface SignInLimits {
  /** Failures of one account (from anywhere) before it waits. */
  perAccount: number;
  /** Failures from one address (any accounts) before it waits. */
  perAddress: number;
  /** Failures older than this no longer count. */
  windowMinutes: number;
}

export type ThrottleKey = Key<'account' | 'address'>;

export function signInKeys(username: string, sourceIp: string | null, limits: SignInLimits): ThrottleKey[] {
  const keys: ThrottleKey[] = [{ key: `user:${username.toLowerCase()}`, limit: limits.perAccount, scope: 'account' }];
  if (sourceIp) keys.push({ key: `ip:${sourceIp}`, limit: limits.perAddress, scope: 'address' });
  return keys;
}
