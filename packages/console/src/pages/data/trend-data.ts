import { toCsv } from '@outpost/protocol';
import type { DataHistory } from '../../app/route-types.js';
import { plotValue } from './data-format.js';
import { seriesKey, type SeriesRef } from './trend-state.js';

// Several points' histories on one time axis: uPlot wants one x array and, per series, a value
// (or null) at each x. Rolled-up series carry their bucket's min and max as well, for a band.

export interface LoadedSeries {
  ref: SeriesRef;
  history: DataHistory | null;
  error?: unknown;
}

export interface Aligned {
  /** Seconds since the epoch, ascending. */
  xs: number[];
  /** Per series: value, and min/max when rolled up (null where the series has no row at x). */
  columns: Array<{ key: string; value: Array<number | null>; min?: Array<number | null>; max?: Array<number | null> }>;
}

const rolled = (h: DataHistory) => h.interval !== 'raw';

export function align(series: LoadedSeries[]): Aligned {
  const times = new Set<number>();
  for (const s of series) for (const r of s.history?.rows ?? []) times.add(Date.parse(r.ts));
  const xsMs = [...times].sort((a, b) => a - b);
  const index = new Map(xsMs.map((t, i) => [t, i]));
  const columns: Aligned['columns'] = series.map((s) => {
    const value: Array<number | null> = xsMs.map(() => null);
    const h = s.history;
    const band = h && rolled(h);
    const min: Array<number | null> | undefined = band ? xsMs.map(() => null) : undefined;
    const max: Array<number | null> | undefined = band ? xsMs.map(() => null) : undefined;
    for (const r of h?.rows ?? []) {
      const i = index.get(Date.parse(r.ts))!;
      if (r.quality !== 'bad') value[i] = plotValue(r.value);
      if (min && max) {
        min[i] = r.min ?? null;
        max[i] = r.max ?? null;
      }
    }
    return { key: seriesKey(s.ref), value, ...(min && max ? { min, max } : {}) };
  });
  return { xs: xsMs.map((t) => t / 1000), columns };
}

/**
 * What the chart shows as CSV: one row per time, per series its value (the raw reading or the
 * bucket's mean) and, when rolled up, the bucket's min and max. Formula-guarded by `toCsv`.
 */
export function trendCsv(series: LoadedSeries[], units: Map<string, string | undefined>): string {
  const a = align(series);
  const header = ['ts'];
  for (const c of a.columns) {
    const unit = units.get(c.key);
    header.push(unit ? `${c.key} (${unit})` : c.key);
    if (c.min) header.push(`${c.key} min`, `${c.key} max`);
  }
  const rows = a.xs.map((x, i) => {
    const row: Array<string | number | null> = [new Date(x * 1000).toISOString()];
    for (const c of a.columns) {
      row.push(c.value[i]);
      if (c.min && c.max) row.push(c.min[i], c.max[i]);
    }
    return row;
  });
  return toCsv([header, ...rows]);
}
