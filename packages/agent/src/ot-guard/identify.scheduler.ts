// When a guard asks the field devices it protects for their identity itself (active
// identification, opt-in through the policy's `identify`). One query at a time per line, only
// when the line is idle (the link says so: no master transaction in progress, the line quiet),
// at least `minGapMs` apart (rate bound), each device again after `intervalMs`. A device that
// does not answer within `timeoutMs`, or answers with an exception, is asked again later and
// later (backoff, doubling up to MAX_BACKOFF_INTERVALS intervals); a Modbus device answering
// exception 1 (ILLEGAL FUNCTION: no FC 43 support) is never asked again under this policy.
// Time comes from `now()`; the owner calls `tick()` regularly and `settle()` when an answer
// arrives, so the scheduler itself holds no timer.

import type { GuardIdentifyEvent, GuardProtocol } from '@outpost/guard';

export type IdentifyOutcome =
  | { kind: 'identified'; /** Modbus: the next object id when the reply said "more follows". */ continueFrom?: number }
  | { kind: 'exception'; code: number }
  | { kind: 'timeout' }
  | { kind: 'failed'; reason: string };

export type SettledOutcome = IdentifyOutcome | { kind: 'unsupported'; code: number };

export interface IdentifyQuery {
  /** Modbus unit id or DNP3 outstation address. */
  address: number;
  /** Modbus: the first object id asked (0, or where the last part stopped). */
  objectId: number;
  /** Modbus: ask the basic objects only (the device refused the regular set). */
  basic: boolean;
}

export interface IdentifyLink {
  /** True when no master transaction is in progress and the line has been quiet. */
  idle(): boolean;
  /** Sends one query; the answer comes back through settle(). */
  send(q: IdentifyQuery): void;
  /** The query timed out: forget it (close its connection, stop waiting on the line). */
  abandon(q: IdentifyQuery): void;
}

export interface IdentifySettings {
  /** The devices to ask; when absent, those `seen()` returns. */
  addresses?: readonly number[];
  intervalMs: number;
  timeoutMs: number;
}

export interface IdentifySchedulerOptions {
  now(): number;
  link: IdentifyLink;
  /** Devices masters have addressed through the guard (used when the settings name none). */
  seen?: () => Iterable<number>;
  /** Each query once settled: what was asked and how it ended. */
  onSettled?: (q: IdentifyQuery, outcome: SettledOutcome) => void;
  minGapMs?: number;
}

export const DEFAULT_IDENTIFY_GAP_MS = 1000;
const MAX_TARGETS = 32;
const MAX_PARTS = 8;
const FIRST_RETRY_MS = 60_000;
const MAX_BACKOFF_INTERVALS = 8;
/** Modbus exception codes that mean "not the regular set, try the basic one". */
const TRY_BASIC = new Set([2, 3]);

interface TargetState {
  due: number;
  failures: number;
  stopped: boolean;
  basic: boolean;
  parts: number;
  objectId: number;
}

export class IdentifyScheduler {
  private settings: IdentifySettings | undefined;
  private readonly targets = new Map<number, TargetState>();
  private inFlight: { q: IdentifyQuery; sentAt: number } | undefined;
  private lastSentAt = -Infinity;
  private readonly gap: number;
  sent = 0;

  constructor(private readonly o: IdentifySchedulerOptions) {
    this.gap = o.minGapMs ?? DEFAULT_IDENTIFY_GAP_MS;
  }

  /** New settings (a new policy): undefined turns queries off. Everything learnt is forgotten. */
  configure(settings: IdentifySettings | undefined): void {
    if (JSON.stringify(settings) === JSON.stringify(this.settings)) return;
    this.settings = settings;
    this.targets.clear();
    if (this.inFlight) this.o.link.abandon(this.inFlight.q);
    this.inFlight = undefined;
  }

  get enabled(): boolean {
    return this.settings !== undefined;
  }

  /** A query is on the line (the owner holds the master's bytes meanwhile). */
  get busy(): boolean {
    return this.inFlight !== undefined;
  }

  /** Whether the device will be asked again (false after it said it has no FC 43). */
  asking(address: number): boolean {
    return !this.targets.get(address)?.stopped;
  }

  tick(): void {
    const s = this.settings;
    if (!s) return;
    const t = this.o.now();
    if (this.inFlight) {
      if (t - this.inFlight.sentAt < s.timeoutMs) return;
      const { q } = this.inFlight;
      this.o.link.abandon(q);
      this.finish(q, { kind: 'timeout' });
      return;
    }
    if (t - this.lastSentAt < this.gap) return;
    const next = this.nextDue(t);
    if (next === undefined || !this.o.link.idle()) return;
    const st = this.targets.get(next)!;
    const q: IdentifyQuery = { address: next, objectId: st.objectId, basic: st.basic };
    this.inFlight = { q, sentAt: t };
    this.lastSentAt = t;
    this.sent++;
    this.o.link.send(q);
  }

  /** The answer to the query in flight for `address`; anything else (late, unasked) is ignored. */
  settle(address: number, outcome: IdentifyOutcome): void {
    if (!this.inFlight || this.inFlight.q.address !== address) return;
    this.finish(this.inFlight.q, outcome);
  }

  private finish(q: IdentifyQuery, outcome: IdentifyOutcome): void {
    this.inFlight = undefined;
    const s = this.settings;
    const st = this.targets.get(q.address);
    if (!s || !st) return;
    const t = this.o.now();
    if (outcome.kind === 'identified') {
      st.failures = 0;
      st.parts++;
      if (outcome.continueFrom !== undefined && st.parts < MAX_PARTS) {
        st.objectId = outcome.continueFrom;
        st.due = t;
      } else {
        st.parts = 0;
        st.objectId = 0;
        st.due = t + s.intervalMs;
      }
      this.o.onSettled?.(q, outcome);
      return;
    }
    st.parts = 0;
    st.objectId = 0;
    if (outcome.kind === 'exception' && outcome.code === 1) {
      st.stopped = true;
      this.o.onSettled?.(q, { kind: 'unsupported', code: 1 });
      return;
    }
    if (outcome.kind === 'exception' && !st.basic && TRY_BASIC.has(outcome.code)) {
      st.basic = true;
      st.due = t;
    } else {
      st.failures++;
      st.due = t + Math.min(FIRST_RETRY_MS * 2 ** (st.failures - 1), s.intervalMs * MAX_BACKOFF_INTERVALS);
    }
    this.o.onSettled?.(q, outcome);
  }

  private nextDue(t: number): number | undefined {
    const wanted = this.settings?.addresses ?? this.o.seen?.() ?? [];
    for (const a of wanted) {
      if (this.targets.size >= MAX_TARGETS) break;
      if (!this.targets.has(a))
        this.targets.set(a, { due: t, failures: 0, stopped: false, basic: false, parts: 0, objectId: 0 });
    }
    let best: number | undefined;
    let bestDue = Infinity;
    for (const [a, st] of this.targets)
      if (!st.stopped && st.due <= t && st.due < bestDue) [best, bestDue] = [a, st.due];
    return best;
  }
}

/** The scheduler's settings from a policy's `identify` (undefined when off). */
export function identifySettings(
  identify: { enabled: boolean; intervalS?: number; timeoutMs?: number } | undefined,
  addresses: readonly number[] | undefined,
): IdentifySettings | undefined {
  if (!identify?.enabled) return undefined;
  return {
    ...(addresses ? { addresses: [...addresses] } : {}),
    intervalMs: (identify.intervalS ?? 3600) * 1000,
    timeoutMs: identify.timeoutMs ?? 2000,
  };
}

/** The `guard.identify` event of one settled query. */
export function identifyEvent(
  base: { ts: number; deviceId: string; protocol: GuardProtocol; interface: string; query: string },
  q: IdentifyQuery,
  r: SettledOutcome,
): GuardIdentifyEvent {
  return {
    type: 'guard.identify',
    ...base,
    address: q.address,
    outcome: r.kind,
    ...(r.kind === 'exception' || r.kind === 'unsupported' ? { exceptionCode: r.code } : {}),
    ...(r.kind === 'failed' ? { reason: r.reason } : {}),
  };
}
