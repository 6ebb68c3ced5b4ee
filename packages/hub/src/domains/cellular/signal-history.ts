import { ValidationError } from '../../platform/errors.js';
import type { CellularHistoryStore } from './cellular-history.store.js';
import type { CellularSignalHistory } from '@outpost/protocol';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Longest range one request may ask for; readings are kept for less (retention), so this is never the limit in practice. */
export const MAX_SIGNAL_RANGE_MS = 400 * DAY;
/** At most this many points come back: a 30-day chart is about 360 two-hour buckets. */
export const MAX_SIGNAL_POINTS = 500;
const STEPS = [1, 5, 15, 30, 60, 120, 180, 360, 720, 1440].map((m) => m * MINUTE);

/** The smallest bucket that keeps a range within the point budget (one minute at least, one day at most). */
export function signalBucketMs(rangeMs: number): number {
  return STEPS.find((s) => rangeMs / s <= MAX_SIGNAL_POINTS) ?? STEPS[STEPS.length - 1];
}

function instant(name: string, text: string | undefined, def: number): number {
  if (text === undefined) return def;
  const t = Date.parse(text);
  if (!Number.isFinite(t))
    throw new ValidationError(`${name} must be a date and time (ISO 8601)`, { path: `/${name}` });
  return t;
}

export type SignalHistory = CellularSignalHistory;

/** A device's signal readings between `from` and `to` (default: the last day), rolled up into buckets. */
export async function signalHistory(
  store: Pick<CellularHistoryStore, 'signal'>,
  deviceId: string,
  nowMs: number,
  q: { from?: string; to?: string },
): Promise<SignalHistory> {
  const to = instant('to', q.to, nowMs);
  const from = instant('from', q.from, to - DAY);
  if (from >= to) throw new ValidationError('from must be before to', { path: '/from' });
  if (to - from > MAX_SIGNAL_RANGE_MS)
    throw new ValidationError(`the range may span at most ${MAX_SIGNAL_RANGE_MS / DAY} days`, { path: '/from' });
  const bucket = signalBucketMs(to - from);
  const points = await store.signal(deviceId, from, to, bucket);
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), bucketS: bucket / 1000, points };
}
