import type { JobState } from './updates-messages.js';
import type { RolloutRecord } from './updates-api-types.js';

// How rollouts read the same in the API's clients: the CLI, the console and scripts.

/**
 * The one way every view counts a rollout's jobs: `failed` is failed plus rolled back (what the
 * abort threshold weighs), `done` every job that ended, `inFlight` those sent and not ended.
 */
export function tallyJobs(c: Partial<Record<JobState, number>>, total: number) {
  const failed = (c.failed ?? 0) + (c.rolled_back ?? 0);
  const done = (c.succeeded ?? 0) + failed + (c.skipped ?? 0) + (c.canceled ?? 0);
  const queued = c.queued ?? 0;
  return {
    succeeded: c.succeeded ?? 0,
    failed,
    rolledBack: c.rolled_back ?? 0,
    skipped: c.skipped ?? 0,
    canceled: c.canceled ?? 0,
    queued,
    done,
    inFlight: Math.max(0, total - done - queued),
  };
}

/** "in 3 h", "in 12 min", "in 2 d", "in under a minute": a number of seconds ahead, for people. */
export function inHowLong(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  // Not by the second: a watcher's line stays the same while nothing else moves.
  if (s < 60) return 'in under a minute';
  if (s < 3600) return `in ${Math.round(s / 60)} min`;
  if (s < 48 * 3600) return `in ${Math.round(s / 3600)} h`;
  return `in ${Math.round(s / 86400)} d`;
}

/** One line for a rollout's state: a running rollout outside its window says when it opens. */
export function rolloutStateText(r: Pick<RolloutRecord, 'state' | 'window'>): string {
  const w = r.window;
  if (r.state === 'running' && w && !w.open && w.opensAt)
    return `waiting for window, opens at ${w.opensAt}${w.opensInS !== null ? ` (${inHowLong(w.opensInS)})` : ''}`;
  return r.state;
}
