// Billing cycles of a SIM's data plan: a cycle starts at 00:00 UTC on the plan's start day
// (1–28, so every month has it) and ends where the next one starts.

const DAY_MS = 86_400_000;
// Before this much of a cycle has passed a projection says more about the first hour than the month.
export const MIN_PROJECTION_MS = 6 * 3_600_000;

/** The cycle holding `at`, for cycles starting on `startDay` of each month. */
export function cycleOf(at: Date, startDay: number): { start: Date; end: Date } {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth();
  const thisMonth = Date.UTC(y, m, startDay);
  const start = at.getTime() >= thisMonth ? thisMonth : Date.UTC(y, m - 1, startDay);
  const s = new Date(start);
  const end = Date.UTC(s.getUTCFullYear(), s.getUTCMonth() + 1, startDay);
  return { start: s, end: new Date(end) };
}

export function dayKey(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/**
 * Bytes the SIM will have used at the cycle's end if it goes on at the rate of the cycle so far;
 * undefined while too little of the cycle has passed to say.
 */
export function projectedUse(usedBytes: number, cycle: { start: Date; end: Date }, now: Date): number | undefined {
  const elapsed = now.getTime() - cycle.start.getTime();
  if (elapsed < MIN_PROJECTION_MS) return undefined;
  const length = cycle.end.getTime() - cycle.start.getTime();
  return Math.round((usedBytes * length) / Math.max(elapsed, DAY_MS / 24));
}
