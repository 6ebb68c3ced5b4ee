// How long a sign-in must wait after failures: counted per account and, with a higher limit, per
// address, so one address guessing many accounts is slowed without one typo-prone colleague
// locking everyone behind the same NAT out. Past its limit a key waits base × 2^(failures − limit),
// capped, from its latest failure (OWASP Authentication Cheat Sheet, "login throttling").

export interface SignInLimits {
  /** Failures of one account (from anywhere) before it waits. */
  perAccount: number;
  /** Failures from one address (any accounts) before it waits. */
  perAddress: number;
  /** Failures older than this no longer count. */
  windowMinutes: number;
}

export const BASE_DELAY_S = 30;
const MAX_DELAY_S = 15 * 60;

export interface ThrottleKey {
  key: string;
  limit: number;
  /** Said to the user: which limit holds them back. */
  scope: 'account' | 'address';
}

export interface FailureStats {
  count: number;
  /** ISO time of the latest failure, or null when there is none. */
  latest: string | null;
}

export function signInKeys(username: string, sourceIp: string | null, limits: SignInLimits): ThrottleKey[] {
  const keys: ThrottleKey[] = [{ key: `user:${username.toLowerCase()}`, limit: limits.perAccount, scope: 'account' }];
  if (sourceIp) keys.push({ key: `ip:${sourceIp}`, limit: limits.perAddress, scope: 'address' });
  return keys;
}

/** Seconds this key must still wait at `now`, or 0 when an attempt may go ahead. */
export function secondsToWait(stats: FailureStats, limit: number, now: Date): number {
  if (stats.count < limit || !stats.latest) return 0;
  const delayS = Math.min(BASE_DELAY_S * 2 ** (stats.count - limit), MAX_DELAY_S);
  const until = Date.parse(stats.latest) + delayS * 1000;
  return Math.max(0, Math.ceil((until - now.getTime()) / 1000));
}

/** The key that holds an attempt back longest, with how long; null when none does. */
export function longestWait(
  keys: ThrottleKey[],
  stats: Map<string, FailureStats>,
  now: Date,
): { scope: ThrottleKey['scope']; retryAfterS: number } | null {
  let worst: { scope: ThrottleKey['scope']; retryAfterS: number } | null = null;
  for (const k of keys) {
    const s = secondsToWait(stats.get(k.key) ?? { count: 0, latest: null }, k.limit, now);
    if (s > 0 && (!worst || s > worst.retryAfterS)) worst = { scope: k.scope, retryAfterS: s };
  }
  return worst;
}
