import type { AlertCounts, RolloutProgress } from '@outpost/protocol';
import type { Clock, Timer } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';

export interface ProgressFeedOptions {
  /** Reads a rollout's moving parts; null when it no longer exists. */
  rolloutProgress(id: string): Promise<RolloutProgress | null>;
  alertCounts(): Promise<AlertCounts>;
  broadcast(event: 'rollout' | 'alerts', data: RolloutProgress | AlertCounts): void;
  clock: Clock;
  logger: Logger;
  /** Changes within one interval go out as one message per rollout (and one for alerts). */
  intervalMs?: number;
}

export type ProgressFeed = ReturnType<typeof createProgressFeed>;

/**
 * Rollout progress and open-alert counts for open consoles. A change only marks its rollout (or
 * the alerts) dirty; once per interval each dirty rollout is read once and sent once. A rollout of
 * 10,000 devices thus costs one grouped count and one message per interval, however many jobs moved.
 * Runs only while someone listens; a change made before that is in the first page a console loads.
 */
export function createProgressFeed(o: ProgressFeedOptions) {
  const intervalMs = o.intervalMs ?? 500;
  const dirty = new Set<string>();
  let alertsDirty = false;
  let timer: Timer | null = null;
  let flushing = false;

  async function flush() {
    if (flushing) return;
    flushing = true;
    try {
      // Taken before reading: a change stored while a read runs marks it again for the next interval.
      const ids = [...dirty];
      dirty.clear();
      for (const id of ids) {
        const p = await o
          .rolloutProgress(id)
          .catch((err: unknown) => o.logger.warn({ err, rollout: id }, 'live rollout progress could not be read'));
        if (p) o.broadcast('rollout', p);
      }
      if (alertsDirty) {
        alertsDirty = false;
        const c = await o
          .alertCounts()
          .catch((err: unknown) => o.logger.warn({ err }, 'live alert counts could not be read'));
        if (c) o.broadcast('alerts', c);
      }
    } finally {
      flushing = false;
    }
  }

  return {
    rolloutChanged(id: string) {
      if (timer) dirty.add(id);
    },
    alertsChanged() {
      if (timer) alertsDirty = true;
    },
    start() {
      if (timer) return;
      timer = o.clock.every(intervalMs, flush);
    },
    stop() {
      timer?.cancel();
      timer = null;
      dirty.clear();
      alertsDirty = false;
    },
    /** For tests: send what is pending now. */
    flush,
  };
}
