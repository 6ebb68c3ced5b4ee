import { createTokenBuckets, type BucketVerdict } from '../../platform/throttle.js';

/**
 * Per device and per topic token buckets (the platform's throttle): a device may send `burst`
 * messages on a topic at once and `perMinute` on average. What is over is dropped. An episode
 * starts at the first drop and ends once the bucket has filled up again (the device stayed under
 * its rate for a while), so a device flooding for hours is one episode, reported once at its start
 * and once at its end.
 *
 * Memory is bounded: at most `maxTracked` buckets are kept, least recently used go first. A bucket
 * that is full carries no information (a new one starts full), so forgetting it loses nothing.
 */
export interface DeviceRateLimitOptions {
  perMinute: number;
  burst: number;
  /** Buckets kept at most (default 100,000: 10,000 devices on ten topics). */
  maxTracked?: number;
}

export type RateVerdict = BucketVerdict;

export interface DeviceRateLimiter {
  /** Spends one message of `deviceId` on `topic` at `nowMs`. */
  take(deviceId: string, topic: string, nowMs: number): RateVerdict;
  /** Buckets held now. */
  tracked(): number;
}

export function createDeviceRateLimiter(o: DeviceRateLimitOptions): DeviceRateLimiter {
  const buckets = createTokenBuckets(o);
  return {
    take: (deviceId, topic, nowMs) => buckets.take(`${deviceId}\u0000${topic}`, nowMs),
    tracked: () => buckets.tracked(),
  };
}
