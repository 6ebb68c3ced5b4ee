/**
 * Per device and per topic token buckets: a device may send `burst` messages on a topic at once
 * and `perMinute` on average. What is over is dropped. An episode starts at the first drop and
 * ends once the bucket has filled up again (the device stayed under its rate for a while), so a
 * device flooding for hours is one episode, reported once at its start and once at its end.
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

export interface RateVerdict {
  allowed: boolean;
  /** This message is the first one dropped of a new episode. */
  episodeStarted: boolean;
  /** The episode before this message is over; that many messages were dropped in it. */
  episodeEnded: { dropped: number; sinceMs: number } | null;
}

interface Bucket {
  tokens: number;
  at: number;
  dropped: number;
  since: number;
}

export type DeviceRateLimiter = ReturnType<typeof createDeviceRateLimiter>;

export function createDeviceRateLimiter(o: DeviceRateLimitOptions) {
  const perMs = o.perMinute / 60_000;
  const max = o.maxTracked ?? 100_000;
  const buckets = new Map<string, Bucket>();

  return {
    take(deviceId: string, topic: string, nowMs: number): RateVerdict {
      const key = `${deviceId}\u0000${topic}`;
      let b = buckets.get(key);
      if (b)
        buckets.delete(key); // re-inserted below: the Map's order is least recently used first
      else b = { tokens: o.burst, at: nowMs, dropped: 0, since: 0 };
      b.tokens = Math.min(o.burst, b.tokens + Math.max(0, nowMs - b.at) * perMs);
      b.at = nowMs;
      let episodeEnded: RateVerdict['episodeEnded'] = null;
      if (b.dropped > 0 && b.tokens >= o.burst) {
        episodeEnded = { dropped: b.dropped, sinceMs: b.since };
        b.dropped = 0;
      }
      let allowed = true;
      let episodeStarted = false;
      if (b.tokens >= 1) b.tokens -= 1;
      else {
        allowed = false;
        episodeStarted = b.dropped === 0;
        if (episodeStarted) b.since = nowMs;
        b.dropped++;
      }
      buckets.set(key, b);
      if (buckets.size > max) buckets.delete(buckets.keys().next().value as string);
      return { allowed, episodeStarted, episodeEnded };
    },
    tracked: () => buckets.size,
  };
}
