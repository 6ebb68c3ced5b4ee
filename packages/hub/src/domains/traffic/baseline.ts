import type { TrafficBaseline } from '@outpost/protocol';

/** Median of a list (copied, not sorted in place). */
export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median absolute deviation: the spread measure that a few outliers cannot drag (Hampel 1974). */
export function mad(values: number[], med = median(values)): number {
  return median(values.map((v) => Math.abs(v - med)));
}

// Fewer comparable points than this say too little about what is normal.
export const MIN_POINTS = 3;
export const MIN_RECENT = 10;

/**
 * The most specific robust baseline the history allows: the same hour of the week over past
 * weeks, else the same hour of the day over past days, else the recent samples. Null while learning.
 */
export function chooseBaseline(history: {
  sameHourOfWeek: number[];
  sameHourOfDay: number[];
  recent: number[];
}): TrafficBaseline | null {
  const candidates: Array<[TrafficBaseline['source'], number[], number]> = [
    ['hour-of-week', history.sameHourOfWeek, MIN_POINTS],
    ['hour-of-day', history.sameHourOfDay, MIN_POINTS],
    ['recent', history.recent, MIN_RECENT],
  ];
  for (const [source, points, min] of candidates) {
    if (points.length < min) continue;
    const m = median(points);
    return { median: m, mad: mad(points, m), source, points: points.length };
  }
  return null;
}
