import type { Clock } from '../../platform/clock.js';
import { TIERS } from './rollup.js';
import type { StreamsStore } from './streams.store.js';
import type { RollupTier } from './streams.types.js';

/** Days each kind of stream data is kept. */
export interface StreamsRetention {
  rawDays: number;
  tierDays: Record<RollupTier, number>;
}

const DAY_MS = 86_400_000;

/** One retention pass: raw values, each roll-up tier and the filed-batch record past their age. */
export async function applyRetention(store: StreamsStore, clock: Clock, r: StreamsRetention) {
  const now = clock.now().getTime();
  const raw = await store.deleteRawBefore(now - r.rawDays * DAY_MS);
  const rollups: Partial<Record<RollupTier, number>> = {};
  for (const tier of TIERS) rollups[tier] = await store.deleteRollupsBefore(tier, now - r.tierDays[tier] * DAY_MS);
  // A batch replayed after its values are gone would be filed again; the record lives as long as raw values.
  const batches = await store.deleteBatchesBefore(now - r.rawDays * DAY_MS);
  return { raw, rollups, batches };
}
