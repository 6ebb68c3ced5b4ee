import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import { HOUR_MS, hourFloor } from '../fleet/index.js';
import { HEALTH_METRICS } from './health-metrics.js';
import type { DeviceHistory } from '../devices/index.js';
import type { HealthStore, HourlyHealth } from './health.store.js';

/** Raw health reports are device history, kept by the devices domain. */
export type HealthSamples = Pick<DeviceHistory, 'healthSamplesBetween'>;

const WATERMARK = 'health.rollup.until';
const PAGE = 5000;
// One run catches up at most this many hours, so a long outage does not turn into one long job.
const MAX_HOURS_PER_RUN = 24;

type Acc = { samples: number; stats: Record<string, { sum: number; min: number; max: number; n: number }> };

function add(acc: Acc, data: Record<string, unknown>) {
  acc.samples++;
  for (const m of HEALTH_METRICS) {
    const v = data[m];
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    const s = (acc.stats[m] ??= { sum: 0, min: v, max: v, n: 0 });
    s.sum += v;
    s.n++;
    s.min = Math.min(s.min, v);
    s.max = Math.max(s.max, v);
  }
}

function finish(deviceId: string, hour: string, acc: Acc): HourlyHealth {
  const stats: HourlyHealth['stats'] = {};
  for (const [m, s] of Object.entries(acc.stats))
    stats[m] = { avg: Math.round((s.sum / s.n) * 100) / 100, min: s.min, max: s.max };
  return { deviceId, hour, samples: acc.samples, stats };
}

/** Rolls one UTC hour of raw health samples into per-device hourly min/avg/max. */
export async function rollupHealthHour(store: HealthStore, samples: HealthSamples, hourStart: number): Promise<number> {
  const from = new Date(hourStart).toISOString();
  const to = new Date(hourStart + HOUR_MS).toISOString();
  const accs = new Map<string, Acc>();
  let after: { deviceId: string; ts: string } | null = null;
  for (;;) {
    const page = await samples.healthSamplesBetween(from, to, after, PAGE);
    for (const s of page) {
      let data: Record<string, unknown>;
      try {
        data = JSON.parse(s.data) as Record<string, unknown>;
      } catch {
        continue;
      }
      const acc = accs.get(s.deviceId) ?? accs.set(s.deviceId, { samples: 0, stats: {} }).get(s.deviceId)!;
      add(acc, data);
    }
    if (page.length < PAGE) break;
    after = page[page.length - 1];
  }
  await store.upsertHourly([...accs].map(([id, acc]) => finish(id, from, acc)));
  return accs.size;
}

/** Rolls every finished hour since the last run (starting `lookbackHours` back on the first run). */
export async function rollupHealth(o: {
  store: HealthStore;
  samples: HealthSamples;
  clock: Clock;
  logger: Logger;
  lookbackHours: number;
}): Promise<number> {
  const current = hourFloor(o.clock.now().getTime());
  const saved = await o.store.getState(WATERMARK);
  let next = saved ? Date.parse(saved) : current - o.lookbackHours * HOUR_MS;
  let hours = 0;
  while (next < current && hours < MAX_HOURS_PER_RUN) {
    const devices = await rollupHealthHour(o.store, o.samples, next);
    next += HOUR_MS;
    hours++;
    await o.store.setState(WATERMARK, new Date(next).toISOString());
    if (devices) o.logger.debug({ hour: new Date(next - HOUR_MS).toISOString(), devices }, 'health hour rolled up');
  }
  return hours;
}
