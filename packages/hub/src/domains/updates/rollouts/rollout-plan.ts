import { backoffDelay } from '@outpost/protocol';
import { Cron } from 'croner';
import type { MaintenanceWindowState, RolloutOptions, WaveSpec } from '@outpost/protocol';
import { ValidationError } from '../../../platform/errors.js';

// Pure rules of a rollout: wave sizes, defaults, the maintenance window and retry backoff.

export const DEFAULT_OPTIONS: RolloutOptions = {
  // hawkBit's and AWS IoT's usual shape: a small canary, then growing shares.
  waves: [{ count: 5 }, { percent: 10 }, { percent: 50 }, { percent: 100 }],
  successThresholdPct: 95,
  advance: 'auto',
  abortFailurePct: 20,
  maxInFlight: 100,
  deviceTimeoutS: 3600,
  retries: { max: 3, baseS: 30, capS: 900 },
  healthDeadlineS: 300,
  rollbackOnAbort: false,
};

/**
 * Splits `total` devices into waves. `count` is an absolute number of devices; `percent` is a
 * cumulative share of the whole target (10 then 50 means "up to 10 %", then "up to 50 %").
 * The last wave always takes whoever is left; empty waves are dropped.
 */
export function planWaves(total: number, specs: WaveSpec[]): number[] {
  const sizes: number[] = [];
  let assigned = 0;
  specs.forEach((s, i) => {
    const last = i === specs.length - 1;
    let upTo = s.count !== undefined ? assigned + s.count : Math.ceil((total * (s.percent ?? 100)) / 100);
    if (last) upTo = total;
    const size = Math.max(0, Math.min(total, upTo) - assigned);
    if (size > 0) sizes.push(size);
    assigned += size;
  });
  return sizes;
}

/** Merges input over the defaults and checks what the schema cannot (paths name the bad value). */
export function resolveOptions(input: Partial<RolloutOptions>): RolloutOptions {
  const o: RolloutOptions = {
    ...DEFAULT_OPTIONS,
    ...stripUndefined(input),
    retries: { ...DEFAULT_OPTIONS.retries, ...(input.retries ?? {}) },
  };
  if (o.waves.length === 0) throw new ValidationError('at least one wave is needed', { path: '/waves' });
  o.waves.forEach((w, i) => {
    if ((w.count === undefined) === (w.percent === undefined))
      throw new ValidationError('a wave has either count or percent', { path: `/waves/${i}` });
  });
  if (o.abortFailures === undefined && o.abortFailurePct === undefined)
    o.abortFailurePct = DEFAULT_OPTIONS.abortFailurePct;
  if (o.retries.capS < o.retries.baseS)
    throw new ValidationError('retries.capS must be at least retries.baseS', { path: '/retries/capS' });
  if (o.maintenanceWindow) windowCron(o.maintenanceWindow);
  return o;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function windowCron(w: NonNullable<RolloutOptions['maintenanceWindow']>): Cron {
  let cron: Cron;
  try {
    cron = new Cron(w.cron, { timezone: w.timezone, paused: true });
    cron.nextRun();
  } catch (err) {
    const msg = (err as Error).message;
    const path = /timezone/i.test(msg) ? '/maintenanceWindow/timezone' : '/maintenanceWindow/cron';
    throw new ValidationError(`maintenance window: ${msg.slice(0, 200)}`, { path });
  }
  return cron;
}

/** True when `now` falls inside a window that opened at a cron occurrence and lasts `durationMin`. */
export function inMaintenanceWindow(w: RolloutOptions['maintenanceWindow'], now: Date): boolean {
  if (!w) return true;
  const cron = windowCron(w);
  // The first occurrence after (now - duration): if it is not later than now, a window is open.
  const opened = cron.nextRun(new Date(now.getTime() - w.durationMin * 60_000));
  return opened !== null && opened.getTime() <= now.getTime();
}

/** The window at `now`: open until when, or closed until when it next opens; null without a window. */
export function maintenanceWindowState(
  w: RolloutOptions['maintenanceWindow'],
  now: Date,
): MaintenanceWindowState | null {
  if (!w) return null;
  const cron = windowCron(w);
  const opened = cron.nextRun(new Date(now.getTime() - w.durationMin * 60_000));
  if (opened && opened.getTime() <= now.getTime())
    return {
      open: true,
      opensAt: null,
      opensInS: null,
      closesAt: new Date(opened.getTime() + w.durationMin * 60_000).toISOString(),
    };
  const next = cron.nextRun(now);
  return {
    open: false,
    opensAt: next ? next.toISOString() : null,
    opensInS: next ? Math.round((next.getTime() - now.getTime()) / 1000) : null,
    closesAt: null,
  };
}

/** Exponential backoff for transient failures: base × 2^(attempt-1), capped (AWS IoT Jobs retry config). */
export function retryDelayMs(retries: RolloutOptions['retries'], attempt: number): number {
  return backoffDelay(attempt - 1, { baseMs: retries.baseS * 1000, capMs: retries.capS * 1000, jitter: 'none' });
}
