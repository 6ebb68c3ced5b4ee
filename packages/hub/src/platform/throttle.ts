import type { Clock } from './clock.js';

// The hub's one throttle, in two forms over one clock:
// - token buckets (in memory): a key may spend `burst` at once and `perMinute` on average; over it,
//   what is over is dropped. Used for device messages.
// - a failure window with back-off (kept by a persistence port, so limits hold across replicas):
//   past its limit a key waits base × 2^(failures − limit), capped, from its latest failure, and
//   failures older than the window no longer count (OWASP Authentication Cheat Sheet, "login
//   throttling"). Used for sign-ins and second-factor codes.
// Memory is bounded in both: the buckets forget the least recently used past `maxTracked`, and the
// in-memory failure store keeps at most `maxKeys` keys.

export interface TokenBucketOptions {
  perMinute: number;
  burst: number;
  /** Buckets kept at most (default 100,000); least recently used go first. */
  maxTracked?: number;
  /** Where `take` reads the time when it is not given one. */
  clock?: Pick<Clock, 'now'>;
}

export interface BucketVerdict {
  allowed: boolean;
  /** This take is the first one dropped of a new episode. */
  episodeStarted: boolean;
  /** The episode before this take is over; that many takes were dropped in it, since `sinceMs`. */
  episodeEnded: { dropped: number; sinceMs: number } | null;
}

export interface TokenBuckets {
  /** Spends one token of `key` at `nowMs` (the clock's time when left out). */
  take(key: string, nowMs?: number): BucketVerdict;
  /** Buckets held now. */
  tracked(): number;
}

interface Bucket {
  tokens: number;
  at: number;
  dropped: number;
  since: number;
}

/**
 * An episode starts at the first drop and ends once the bucket has filled up again, so a key
 * flooding for hours is one episode. A full bucket carries no information (a new one starts full),
 * so forgetting it loses nothing.
 */
export function createTokenBuckets(o: TokenBucketOptions): TokenBuckets {
  const perMs = o.perMinute / 60_000;
  const max = o.maxTracked ?? 100_000;
  const buckets = new Map<string, Bucket>();
  return {
    take(key, at) {
      const nowMs = at ?? o.clock?.now().getTime();
      if (nowMs === undefined) throw new Error('token buckets without a clock need the time of each take');
      let b = buckets.get(key);
      if (b)
        buckets.delete(key); // re-inserted below: the Map's order is least recently used first
      else b = { tokens: o.burst, at: nowMs, dropped: 0, since: 0 };
      b.tokens = Math.min(o.burst, b.tokens + Math.max(0, nowMs - b.at) * perMs);
      b.at = nowMs;
      let episodeEnded: BucketVerdict['episodeEnded'] = null;
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

/** Failures of one key inside the window. */
export interface FailureStats {
  count: number;
  /** ISO time of the latest failure, or null when there is none. */
  latest: string | null;
}

/** One limit an attempt counts against. */
export interface ThrottleKey<S extends string = string> {
  key: string;
  limit: number;
  /** Said to the user: which limit holds them back. */
  scope: S;
}

/**
 * Where the failure window keeps its counts: the database for sign-ins (every replica sees the
 * same), memory otherwise (`createMemoryFailureStore`).
 */
export interface FailureStore {
  /** Failure count and latest failure per key since `sinceIso`. */
  failureStats(keys: string[], sinceIso: string): Promise<Map<string, FailureStats>>;
  /**
   * Counts one attempt against every key unless `refuse` says a key must still wait; the check and
   * the count are one step, so a burst of concurrent attempts cannot all slip under the limit.
   */
  reserveAttempt<R>(
    attempt: string,
    keys: string[],
    at: string,
    sinceIso: string,
    refuse: (stats: Map<string, FailureStats>) => R | null,
  ): Promise<R | null>;
  /** The attempt succeeded: it counts against nothing. */
  releaseAttempt(attempt: string): Promise<void>;
}

export const BASE_DELAY_S = 30;
export const MAX_DELAY_S = 15 * 60;

/** Seconds this key must still wait at `now`, or 0 when an attempt may go ahead. */
export function secondsToWait(stats: FailureStats, limit: number, now: Date): number {
  if (stats.count < limit || !stats.latest) return 0;
  const delayS = Math.min(BASE_DELAY_S * 2 ** (stats.count - limit), MAX_DELAY_S);
  const until = Date.parse(stats.latest) + delayS * 1000;
  return Math.max(0, Math.ceil((until - now.getTime()) / 1000));
}

/** The key that holds an attempt back longest, with how long; null when none does. */
export function longestWait<S extends string>(
  keys: ThrottleKey<S>[],
  stats: Map<string, FailureStats>,
  now: Date,
): { scope: S; retryAfterS: number } | null {
  let worst: { scope: S; retryAfterS: number } | null = null;
  for (const k of keys) {
    const s = secondsToWait(stats.get(k.key) ?? { count: 0, latest: null }, k.limit, now);
    if (s > 0 && (!worst || s > worst.retryAfterS)) worst = { scope: k.scope, retryAfterS: s };
  }
  return worst;
}

export interface FailureWindow {
  /**
   * Counts `attempt` against `keys` unless one must still wait: then nothing is counted and the
   * longest wait is returned. A successful attempt is `release`d afterwards.
   */
  admit<S extends string>(attempt: string, keys: ThrottleKey<S>[]): Promise<{ scope: S; retryAfterS: number } | null>;
  release(attempt: string): Promise<void>;
  /** True when `key` has `limit` failures or more inside the window (a hard limit, no back-off). */
  atLimit(key: string, limit: number): Promise<boolean>;
}

export function createFailureWindow(o: {
  store: FailureStore;
  clock: Pick<Clock, 'now'>;
  windowMinutes: number;
}): FailureWindow {
  const since = (now: Date) => new Date(now.getTime() - o.windowMinutes * 60_000).toISOString();
  return {
    admit(attempt, keys) {
      const now = o.clock.now();
      return o.store.reserveAttempt(
        attempt,
        keys.map((k) => k.key),
        now.toISOString(),
        since(now),
        (stats) => longestWait(keys, stats, now),
      );
    },
    release: (attempt) => o.store.releaseAttempt(attempt),
    async atLimit(key, limit) {
      const stats = await o.store.failureStats([key], since(o.clock.now()));
      return (stats.get(key)?.count ?? 0) >= limit;
    },
  };
}

/**
 * Failures kept in memory, for throttles one hub decides alone. At most `maxKeys` keys (least
 * recently failed go first) and `maxPerKey` failures a key (the newest; a limit above it is never
 * reached): memory stays bounded under a flood of keys.
 */
export function createMemoryFailureStore(o: { maxKeys?: number; maxPerKey?: number } = {}): FailureStore {
  const maxKeys = o.maxKeys ?? 20_000;
  const maxPerKey = o.maxPerKey ?? 64;
  const failures = new Map<string, { attempt: string; at: string }[]>();
  const statsOf = (keys: string[], sinceIso: string) =>
    new Map(
      keys.map((k) => {
        const mine = (failures.get(k) ?? []).filter((f) => f.at > sinceIso);
        return [k, { count: mine.length, latest: mine.length ? mine[mine.length - 1].at : null }];
      }),
    );
  return {
    failureStats: async (keys, sinceIso) => statsOf(keys, sinceIso),
    async reserveAttempt(attempt, keys, at, sinceIso, refuse) {
      const refused = refuse(statsOf(keys, sinceIso));
      if (refused !== null) return refused;
      for (const k of keys) {
        const mine = (failures.get(k) ?? []).filter((f) => f.at > sinceIso);
        failures.delete(k);
        mine.push({ attempt, at });
        failures.set(k, mine.slice(-maxPerKey));
        if (failures.size > maxKeys) failures.delete(failures.keys().next().value as string);
      }
      return null;
    },
    async releaseAttempt(attempt) {
      for (const [k, list] of failures) {
        const rest = list.filter((f) => f.attempt !== attempt);
        if (rest.length === 0) failures.delete(k);
        else if (rest.length !== list.length) failures.set(k, rest);
      }
    },
  };
}

/** A caller's window after one more request: requests counted in it and when it started (ms). */
export interface WindowCount {
  hits: number;
  startedMs: number;
}

/**
 * Where the request windows are counted: memory when one hub process decides alone (SQLite), the
 * database when replicas share the limit (PostgreSQL, one atomic upsert a request).
 */
export interface RequestWindowStore {
  /**
   * Counts one request of `key` at `nowMs`: a window of `windowMs` starts at a key's first request
   * and a request past its end starts the next one.
   */
  hit(key: string, nowMs: number, windowMs: number): Promise<WindowCount>;
  /** Forgets windows that ended before `beforeMs`; returns how many. */
  forgetEndedBefore(beforeMs: number, windowMs: number): Promise<number>;
}

/** Request windows in memory: at most `maxKeys` callers (least recently seen go first). */
export function createMemoryRequestWindows(o: { maxKeys?: number } = {}): RequestWindowStore {
  const max = o.maxKeys ?? 20_000;
  const windows = new Map<string, WindowCount>();
  return {
    async hit(key, nowMs, windowMs) {
      let w = windows.get(key);
      windows.delete(key); // re-inserted below: the Map's order is least recently used first
      if (!w || w.startedMs <= nowMs - windowMs) w = { hits: 0, startedMs: nowMs };
      w.hits++;
      windows.set(key, w);
      if (windows.size > max) windows.delete(windows.keys().next().value as string);
      return { ...w };
    },
    async forgetEndedBefore(beforeMs, windowMs) {
      let n = 0;
      for (const [k, w] of windows)
        if (w.startedMs + windowMs < beforeMs) {
          windows.delete(k);
          n++;
        }
      return n;
    },
  };
}

export interface RequestVerdict {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the caller's window ends (at least 1). */
  resetS: number;
}

/** A fixed window per caller: `limit` requests in each window of `windowMs`, counted by `store`. */
export interface RequestLimit {
  take(key: string, limit: number): Promise<RequestVerdict>;
}

export function createRequestLimit(o: {
  store: RequestWindowStore;
  clock: Pick<Clock, 'now'>;
  windowMs: number;
}): RequestLimit {
  return {
    async take(key, limit) {
      const nowMs = o.clock.now().getTime();
      const w = await o.store.hit(key, nowMs, o.windowMs);
      return {
        allowed: w.hits <= limit,
        limit,
        remaining: Math.max(0, limit - w.hits),
        resetS: Math.max(1, Math.ceil((w.startedMs + o.windowMs - nowMs) / 1000)),
      };
    },
  };
}
