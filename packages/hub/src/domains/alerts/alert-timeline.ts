import type { AlertSeverity, AlertTimelineBucket } from '@outpost/protocol';

const HOUR_MS = 3_600_000;

/**
 * One bucket per hour from the hour holding `now - hours` to the hour holding `now`, oldest first,
 * with the fired counts of `rows` (hours as ISO text up to the hour, as the store groups them);
 * hours without alerts are zeros, so a chart's axis has no gaps.
 */
export function hourlyTimeline(
  rows: Array<{ hour: string; severity: string; n: number }>,
  now: Date,
  hours: number,
): AlertTimelineBucket[] {
  const last = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  const first = last - hours * HOUR_MS;
  const buckets = new Map<string, AlertTimelineBucket>();
  for (let t = first; t <= last; t += HOUR_MS) {
    const at = new Date(t).toISOString();
    buckets.set(at.slice(0, 13), { at, info: 0, warning: 0, critical: 0 });
  }
  for (const r of rows) {
    const b = buckets.get(r.hour);
    if (b && (r.severity === 'info' || r.severity === 'warning' || r.severity === 'critical'))
      b[r.severity as AlertSeverity] += r.n;
  }
  return [...buckets.values()];
}
