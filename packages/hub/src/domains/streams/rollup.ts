import type { RollupRow, RollupTier, StreamValue } from './streams.types.js';

// Roll-up arithmetic, free of storage: which bucket a time falls in, which values count, and how
// a batch's values fold into one partial bucket per point and tier before they are merged into
// the stored ones (min of mins, max of maxes, sums and counts added, first and last by time).

export const TIERS: readonly RollupTier[] = ['1m', '1h', '1d'];
export const TIER_MS: Record<RollupTier, number> = { '1m': 60_000, '1h': 3_600_000, '1d': 86_400_000 };

/** Start of the bucket of `tier` that holds `ts` (UTC). */
export const bucketOf = (tier: RollupTier, ts: number): number => ts - (ts % TIER_MS[tier]);

/** The number a value rolls up as: numbers as they are, booleans as 0/1; strings, nulls and bad values not at all. */
export function numericOf(v: Pick<StreamValue, 'value' | 'quality'>): number | null {
  if (v.quality === 'bad') return null;
  if (typeof v.value === 'number') return Number.isFinite(v.value) ? v.value : null;
  if (typeof v.value === 'boolean') return v.value ? 1 : 0;
  return null;
}

/** A bucket being built: a RollupRow with the sum kept instead of the mean and the times of first and last. */
export interface PartialBucket {
  point: string;
  tier: RollupTier;
  ts: number;
  min: number;
  max: number;
  sum: number;
  count: number;
  first: number;
  firstTs: number;
  last: number;
  lastTs: number;
}

/** One partial bucket per point, tier and bucket start of a batch's numeric values. */
export function foldBatch(values: readonly StreamValue[]): PartialBucket[] {
  const out = new Map<string, PartialBucket>();
  for (const v of values) {
    const x = numericOf(v);
    if (x === null) continue;
    for (const tier of TIERS) {
      const ts = bucketOf(tier, v.sourceTs);
      const key = `${v.point}\u0000${tier}\u0000${ts}`;
      const b = out.get(key);
      if (!b) {
        out.set(key, {
          point: v.point,
          tier,
          ts,
          min: x,
          max: x,
          sum: x,
          count: 1,
          first: x,
          firstTs: v.sourceTs,
          last: x,
          lastTs: v.sourceTs,
        });
        continue;
      }
      b.min = Math.min(b.min, x);
      b.max = Math.max(b.max, x);
      b.sum += x;
      b.count++;
      if (v.sourceTs < b.firstTs) [b.first, b.firstTs] = [x, v.sourceTs];
      if (v.sourceTs >= b.lastTs) [b.last, b.lastTs] = [x, v.sourceTs];
    }
  }
  return [...out.values()];
}

/** Roll-ups of `tier` computed from raw values (the reference the stored ones must equal). */
export function rollupOf(tier: RollupTier, values: readonly StreamValue[]): RollupRow[] {
  return foldBatch(values)
    .filter((b) => b.tier === tier)
    .sort((a, b) => a.ts - b.ts)
    .map((b) => ({
      ts: b.ts,
      min: b.min,
      max: b.max,
      mean: b.sum / b.count,
      count: b.count,
      first: b.first,
      last: b.last,
    }));
}

/** The tier a history query of `rangeMs` reads when none is asked for: raw up to 6 h, then 1 min up to 7 d, 1 h up to 180 d. */
export function autoInterval(rangeMs: number): 'raw' | RollupTier {
  if (rangeMs <= 6 * 3_600_000) return 'raw';
  if (rangeMs <= 7 * 86_400_000) return '1m';
  if (rangeMs <= 180 * 86_400_000) return '1h';
  return '1d';
}
