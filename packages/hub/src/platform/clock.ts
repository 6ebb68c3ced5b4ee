/** A scheduled callback; cancelling it more than once, or after it ran, does nothing. */
export interface Timer {
  cancel(): void;
}

/**
 * Time as a port, so services and tests agree on "now" and on when timers fire. Services take it
 * from their deps instead of reaching for `Date.now()`, `setTimeout` or `setInterval`.
 */
export interface Clock {
  now(): Date;
  /** Calls `fn` once, `ms` from now. */
  after(ms: number, fn: () => unknown): Timer;
  /** Calls `fn` every `ms`, first `ms` from now, until cancelled. */
  every(ms: number, fn: () => unknown): Timer;
}

/** Wall time and real timers; the timers are unref'd, so they never keep the process alive. */
export const systemClock: Clock = {
  now: () => new Date(),
  after(ms, fn) {
    const t = setTimeout(fn, ms);
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
  every(ms, fn) {
    const t = setInterval(fn, ms);
    t.unref();
    return { cancel: () => clearInterval(t) };
  },
};

export function iso(d: Date): string {
  return d.toISOString();
}
