import type { GuardEvent } from '@outpost/guard';

// Repetitive guard events (a master polling a forbidden register every 100 ms, a write
// loop under a grant) would flood the durable queue and the hub. Per key (event type,
// master, unit, function, reason) the first `burst` events of each window pass; the rest
// are counted and reported once, when the window closes, as one summary. Nothing goes
// unaccounted: the summary carries the count and the time span.

export interface LimiterOptions {
  windowMs: number;
  burst: number;
  /** Keys tracked at once; further keys share one overflow key per event type. */
  maxKeys: number;
}

export const DEFAULT_LIMITS: LimiterOptions = { windowMs: 60_000, burst: 10, maxKeys: 1000 };

export interface SuppressedSummary {
  eventType: GuardEvent['type'];
  key: Record<string, string | number>;
  suppressed: number;
  windowStart: number;
  windowEnd: number;
}

interface Window {
  start: number;
  passed: number;
  suppressed: number;
  type: GuardEvent['type'];
  key: Record<string, string | number>;
}

function keyFields(e: GuardEvent): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  const pick = e as unknown as Record<string, unknown>;
  // Procedure events also by run, step and outcome: each step of a run is its own record.
  const fields = ['protocol', 'master', 'unit', 'fc', 'reason', 'closeReason', 'port', 'prompt', 'pattern'];
  for (const f of [...fields, 'procedureId', 'step', 'outcome']) {
    const v = pick[f];
    if (typeof v === 'string' || typeof v === 'number') out[f] = v;
  }
  return out;
}

export class GuardEventLimiter {
  private readonly windows = new Map<string, Window>();
  // Summaries of windows that closed because a new event of their key arrived.
  private readonly carry: SuppressedSummary[] = [];
  private readonly opts: LimiterOptions;

  constructor(opts: Partial<LimiterOptions> = {}) {
    this.opts = { ...DEFAULT_LIMITS, ...opts };
  }

  /** True when the event should be shipped now; otherwise it is counted for a summary. */
  admit(e: GuardEvent, nowMs: number): boolean {
    const fields = keyFields(e);
    let id = `${e.type}|${JSON.stringify(fields)}`;
    let w = this.windows.get(id);
    if (!w && this.windows.size >= this.opts.maxKeys) {
      id = `${e.type}|overflow`;
      w = this.windows.get(id);
    }
    if (!w || nowMs - w.start >= this.opts.windowMs) {
      const pending = w && w.suppressed > 0 ? w : undefined;
      w = {
        start: nowMs,
        passed: 0,
        suppressed: 0,
        type: e.type,
        key: id.endsWith('|overflow') ? { overflow: 1 } : fields,
      };
      if (pending) this.carry.push(this.summary(pending, nowMs));
      this.windows.set(id, w);
    }
    if (w.passed < this.opts.burst) {
      w.passed++;
      return true;
    }
    w.suppressed++;
    return false;
  }

  /** Summaries of windows that have closed (all of them when `flushAll`), oldest first. */
  drain(nowMs: number, flushAll = false): SuppressedSummary[] {
    const out = this.carry.splice(0);
    for (const [id, w] of this.windows) {
      if (!flushAll && nowMs - w.start < this.opts.windowMs) continue;
      if (w.suppressed > 0) out.push(this.summary(w, flushAll ? nowMs : w.start + this.opts.windowMs));
      this.windows.delete(id);
    }
    return out;
  }

  tracked(): number {
    return this.windows.size;
  }

  private summary(w: Window, end: number): SuppressedSummary {
    return { eventType: w.type, key: w.key, suppressed: w.suppressed, windowStart: w.start, windowEnd: end };
  }
}
