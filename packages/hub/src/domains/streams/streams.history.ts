import { toCsv, type DataHistory, type DataHistoryRow, type DataPointView } from '@outpost/protocol';
import { ValidationError } from '../../platform/errors.js';
import { autoInterval } from './rollup.js';
import type { PointState } from './streams.store.js';
import type { RollupRow, StreamsReader } from './streams.types.js';

// The API's views of stream data: a device's points with the age of their latest value, and a
// point's history over a range, raw or from a roll-up tier, as JSON rows or CSV.

export type HistoryQuery = {
  from: string;
  to: string;
  interval?: DataHistory['interval'];
  aggregate?: DataHistory['aggregate'];
  limit?: number;
};

// The widest range a query may span (a roll-up tier is picked for long ones).
const MAX_RANGE_MS = 20 * 366 * 86_400_000;
// Buckets one roll-up answer may hold: 100 days of minutes.
const MAX_BUCKETS = 144_000;
const TIER_MS = { '1m': 60_000, '1h': 3_600_000, '1d': 86_400_000 } as const;
const DEFAULT_RAW_LIMIT = 10_000;

export function pointView(p: PointState, now: number): DataPointView {
  const l = p.latest;
  return {
    point: p.point,
    type: p.type,
    ...(p.unit ? { unit: p.unit } : {}),
    ...(p.description ? { description: p.description } : {}),
    ...(p.source ? { source: p.source } : {}),
    writable: p.writable,
    writesEnabled: p.writesEnabled,
    value: l?.value ?? null,
    quality: l?.quality ?? null,
    ...(l?.reason ? { reason: l.reason } : {}),
    ts: l ? new Date(l.sourceTs).toISOString() : null,
    ageS: l ? Math.max(0, Math.round((now - l.sourceTs) / 1000)) : null,
  };
}

function parseTime(name: string, s: string): number {
  const t = Date.parse(s);
  if (!Number.isFinite(t)) throw new ValidationError(`${name}: not an ISO 8601 time`, { field: name });
  return t;
}

export async function history(
  reader: StreamsReader,
  deviceId: string,
  point: PointState,
  q: HistoryQuery,
): Promise<DataHistory> {
  const from = parseTime('from', q.from);
  const to = parseTime('to', q.to);
  if (to <= from) throw new ValidationError('to must be after from', { field: 'to' });
  if (to - from > MAX_RANGE_MS) throw new ValidationError('the range spans more than 20 years', { field: 'from' });
  const interval = q.interval ?? autoInterval(to - from);
  const aggregate = q.aggregate ?? 'mean';
  const base = {
    deviceId,
    point: point.point,
    ...(point.unit ? { unit: point.unit } : {}),
    interval,
    aggregate,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
  };
  if (interval === 'raw') {
    const limit = q.limit ?? DEFAULT_RAW_LIMIT;
    const raw = await reader.raw({ deviceId, point: point.point, from, to, limit: limit + 1 });
    const rows: DataHistoryRow[] = raw.slice(0, limit).map((v) => ({
      ts: new Date(v.sourceTs).toISOString(),
      value: v.value,
      quality: v.quality,
      ...(v.reason ? { reason: v.reason } : {}),
    }));
    return { ...base, rows, truncated: raw.length > limit };
  }
  if ((to - from) / TIER_MS[interval] > MAX_BUCKETS)
    throw new ValidationError(`the range holds more than ${MAX_BUCKETS} buckets of ${interval}`, { field: 'interval' });
  const rollups = await reader.rollups({ deviceId, point: point.point, from, to, tier: interval });
  return { ...base, rows: rollups.map((r) => rollupRow(r, aggregate)), truncated: false };
}

const rollupRow = (r: RollupRow, aggregate: DataHistory['aggregate']): DataHistoryRow => ({
  ts: new Date(r.ts).toISOString(),
  value: r[aggregate],
  min: r.min,
  max: r.max,
  mean: r.mean,
  count: r.count,
  first: r.first,
  last: r.last,
});

/** A history as CSV: raw rows with quality, or roll-up rows with every aggregate. */
export function historyCsv(h: DataHistory): string {
  if (h.interval === 'raw')
    return toCsv([['ts', 'value', 'quality', 'reason'], ...h.rows.map((r) => [r.ts, r.value, r.quality, r.reason])]);
  return toCsv([
    ['ts', 'min', 'max', 'mean', 'count', 'first', 'last'],
    ...h.rows.map((r) => [r.ts, r.min, r.max, r.mean, r.count, r.first, r.last]),
  ]);
}
