import type { Clock, Timer } from './clock.js';

/**
 * A clock for tests: time stands still until the test moves it, and timers fire only then,
 * in time order, each awaited before the next, so that after `await clock.advance(ms)` the work
 * they started is done.
 */
export interface ManualClock extends Clock {
  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way (also ones that fired
   * callbacks schedule inside the span). Time moves at once when nothing is due, even unawaited.
   */
  advance(ms: number): Promise<void>;
  /**
   * Moves time forward by `ms` as a process that stood still sees it: one-shot timers due on the way
   * fire in time order, an interval fires once however many periods it missed (as Node's own do). For
   * jumps over long spans (a sign-in window) that should not replay every run of every background job.
   */
  skip(ms: number): Promise<void>;
  /** Moves time to the earliest timer and fires it; false when no timer is pending. */
  next(): Promise<boolean>;
  /** Fires one-shot timers (and intervals due on the way) until no one-shot timer is left. */
  runAll(): Promise<void>;
  /** Sets the time without firing anything, e.g. to step back for a test of a skewed clock. */
  set(at: Date | number): void;
  /** Timers not yet fired or cancelled (an interval counts once). */
  pending(): number;
}

interface Entry {
  seq: number;
  at: number;
  everyMs: number | null;
  fn: () => unknown;
  cancelled: boolean;
}

// A callback that keeps scheduling zero-delay timers would otherwise hold `advance` forever.
const MAX_FIRINGS_PER_CALL = 100_000;

export interface ManualClockOptions {
  /**
   * Time also flows on its own, as wall time plus every jump `advance` made, and timers fire when
   * that time reaches them. For a whole hub under test: its own short timers run as usual while the
   * test jumps over the long waits (alert durations, expiries, schedules).
   */
  flowing?: boolean;
}

export function createManualClock(
  start: Date | number = Date.parse('2026-03-02T10:00:00Z'),
  opts: ManualClockOptions = {},
): ManualClock {
  const wall = opts.flowing ? () => Date.now() : () => 0;
  let offset = (typeof start === 'number' ? start : start.getTime()) - wall();
  const current = () => wall() + offset;
  const moveTo = (t: number) => {
    if (t > current()) offset = t - wall();
  };
  let seq = 0;
  const entries = new Set<Entry>();
  // Firing runs one at a time (a flowing clock's own firing and a test's advance may overlap);
  // when nothing runs, a call starts at once, so an unawaited advance still moves time.
  let queued = 0;
  let tail: Promise<void> = Promise.resolve();
  function exclusive(work: () => Promise<void>): Promise<void> {
    const run = async () => {
      try {
        await work();
      } finally {
        queued--;
        arm();
      }
    };
    const p = queued++ === 0 ? run() : tail.then(run);
    tail = p.catch(() => undefined);
    return p;
  }

  // A flowing clock's one real timer, set for the earliest entry.
  let driver: NodeJS.Timeout | null = null;
  function arm() {
    if (!opts.flowing) return;
    if (driver) clearTimeout(driver);
    driver = null;
    const first = earliest(Infinity);
    if (!first || queued > 0) return;
    driver = setTimeout(() => void exclusive(() => runUntil(current())), Math.max(0, first.at - current()));
    driver.unref();
  }

  function schedule(ms: number, fn: () => unknown, everyMs: number | null): Timer {
    const entry: Entry = { seq: seq++, at: current() + Math.max(0, ms), everyMs, fn, cancelled: false };
    entries.add(entry);
    arm();
    return {
      cancel() {
        entry.cancelled = true;
        entries.delete(entry);
      },
    };
  }

  function earliest(until: number, onlyOneShot = false): Entry | null {
    let best: Entry | null = null;
    for (const e of entries) {
      if (e.at > until || (onlyOneShot && e.everyMs !== null)) continue;
      if (!best || e.at < best.at || (e.at === best.at && e.seq < best.seq)) best = e;
    }
    return best;
  }

  /** Fires `e`; with `skipTo`, an interval's next run is its first one after that time. */
  async function fire(e: Entry, skipTo?: number): Promise<void> {
    moveTo(e.at);
    if (e.everyMs === null) entries.delete(e);
    else {
      // The next run keeps to the schedule, however late this one is.
      e.at += e.everyMs;
      if (skipTo !== undefined && e.at <= skipTo) e.at += Math.ceil((skipTo - e.at + 1) / e.everyMs) * e.everyMs;
      e.seq = seq++;
    }
    await e.fn();
  }

  async function runUntil(target: number, skipping = false): Promise<void> {
    for (let fired = 0; ; fired++) {
      if (fired >= MAX_FIRINGS_PER_CALL) throw new Error('timers keep scheduling more timers; time cannot advance');
      const due = earliest(target);
      if (!due) break;
      await fire(due, skipping ? target : undefined);
    }
    moveTo(target);
  }

  return {
    now: () => new Date(current()),
    after: (ms, fn) => schedule(ms, fn, null),
    every(ms, fn) {
      if (!(ms > 0)) throw new RangeError(`an interval needs a positive period, not ${ms} ms`);
      return schedule(ms, fn, ms);
    },
    advance(ms) {
      if (!(ms >= 0)) return Promise.reject(new RangeError(`time only moves forward, not by ${ms} ms`));
      return exclusive(() => runUntil(current() + ms));
    },
    skip(ms) {
      if (!(ms >= 0)) return Promise.reject(new RangeError(`time only moves forward, not by ${ms} ms`));
      return exclusive(() => runUntil(current() + ms, true));
    },
    async next() {
      let ran = false;
      await exclusive(async () => {
        const due = earliest(Infinity);
        if (due) await fire(due);
        ran = !!due;
      });
      return ran;
    },
    runAll: () =>
      exclusive(async () => {
        for (let fired = 0; ; fired++) {
          if (fired >= MAX_FIRINGS_PER_CALL) throw new Error('timers keep scheduling more timers; time cannot advance');
          const last = earliest(Infinity, true);
          if (!last) return;
          const due = earliest(last.at);
          if (due) await fire(due);
        }
      }),
    set(at) {
      offset = (typeof at === 'number' ? at : at.getTime()) - wall();
    },
    pending: () => entries.size,
  };
}
