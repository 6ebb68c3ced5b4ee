// When a device renews its certificate and how it backs off, as pure functions of the
// certificate's validity, the time and a random source (so tests drive them with a manual clock).
import { backoffDelay, DEVICE_CERT_BACKDATE_MS } from '@outpost/protocol';

export interface RenewalPolicy {
  /** Share of the real lifetime after which the device renews (default 2/3). */
  share: number;
  /** Up to this share of the lifetime is added at random, so a fleet enrolled together spreads out (default 0.1). */
  jitterShare: number;
}

export const DEFAULT_RENEWAL_POLICY: RenewalPolicy = { share: 2 / 3, jitterShare: 0.1 };

/** Validity of a certificate, epoch milliseconds. */
export interface Validity {
  notBefore: number;
  notAfter: number;
}

/**
 * The real issue time and lifetime: the hub backdates notBefore for clock skew
 * (DEVICE_CERT_BACKDATE_MS), which must not count as lifetime already spent.
 */
export function realLifetime(v: Validity): { issuedAt: number; lifetimeMs: number } {
  const issuedAt = Math.min(v.notBefore + DEVICE_CERT_BACKDATE_MS, v.notAfter);
  return { issuedAt, lifetimeMs: Math.max(0, v.notAfter - issuedAt) };
}

/** The instant to renew at: share of the lifetime plus jitter, always before the last 5 % of it. */
export function renewalTime(v: Validity, policy: RenewalPolicy, random: () => number): number {
  const { issuedAt, lifetimeMs } = realLifetime(v);
  const share = Math.min(policy.share + policy.jitterShare * random(), 0.95);
  return Math.round(issuedAt + lifetimeMs * share);
}

/**
 * Delay before retry number `failures` (1 = after the first failure): exponential with equal jitter
 * from 1/100 of the lifetime (1 s–1 min) to 1/10 of it (at most an hour), and never so long that
 * the certificate lapses while the device waits: at most half of the time left.
 */
export function retryDelayMs(failures: number, v: Validity, now: number, random: () => number): number {
  const { lifetimeMs } = realLifetime(v);
  const baseMs = clamp(lifetimeMs / 100, 1000, 60_000);
  const capMs = clamp(lifetimeMs / 10, baseMs, 3600_000);
  const delay = backoffDelay(failures - 1, { baseMs, capMs, jitter: 'equal' }, random);
  return Math.max(1000, Math.min(delay, (v.notAfter - now) / 2));
}

/** How long to wait for the hub's answer to one request: 1/20 of the lifetime, 5 s to 1 min. */
export function responseTimeoutMs(v: Validity): number {
  return clamp(realLifetime(v).lifetimeMs / 20, 5000, 60_000);
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
