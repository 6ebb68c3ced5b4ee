import { Cron } from 'croner';
import { ValidationError } from '../../platform/errors.js';

// Cron with a time zone (croner). A wall time that does not exist on a spring-forward day fires
// once at the jump; one that occurs twice on a fall-back day fires once, at its first occurrence.

/** A paused croner schedule; a bad pattern or zone is a validation error at `path`. */
export function cronOf(pattern: string, timezone: string, path: string): Cron {
  try {
    const c = new Cron(pattern, { timezone, paused: true });
    c.nextRun();
    return c;
  } catch (err) {
    const msg = (err as Error).message.slice(0, 200);
    throw new ValidationError(`${/timezone/i.test(msg) ? 'time zone' : 'cron'}: ${msg}`, {
      path: /timezone/i.test(msg) ? `${path}/timezone` : `${path}/cron`,
    });
  }
}

/** The first occurrence strictly after `after`, or null when the pattern never fires again. */
export function nextAfter(pattern: string, timezone: string, after: Date): Date | null {
  return cronOf(pattern, timezone, '').nextRun(after);
}

/** Up to `n` occurrences strictly after `after`. */
export function nextOccurrences(pattern: string, timezone: string, after: Date, n: number): Date[] {
  return cronOf(pattern, timezone, '').nextRuns(n, after);
}

/** The window shape rollouts use: opens at each cron occurrence and lasts `durationMin`. */
export interface MaintenanceWindow {
  cron: string;
  durationMin: number;
  timezone: string;
}

/** True when `now` lies inside a window (always true without one). */
export function inWindow(w: MaintenanceWindow | undefined, now: Date): boolean {
  if (!w) return true;
  const opened = cronOf(w.cron, w.timezone, '/guards/maintenanceWindow').nextRun(
    new Date(now.getTime() - w.durationMin * 60_000),
  );
  return opened !== null && opened.getTime() <= now.getTime();
}
