import { HEALTH_METRICS, type HourlyHealth } from '../health/index.js';

export type MetricSeries = Record<string, Array<{ at: string; avg: number; max: number }>>;

/** Health metrics per time bucket (average and peak), for the device report's charts. */
export function metricSeries(
  samples: Array<{ ts: string; data_json: string }>,
  p: { from: string; to: string },
): MetricSeries {
  const from = Date.parse(p.from);
  const size = Math.max(60_000, Math.ceil((Date.parse(p.to) - from) / 48));
  const buckets = new Map<string, Map<number, { sum: number; n: number; max: number }>>();
  for (const s of samples) {
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(s.data_json) as Record<string, unknown>;
    } catch {
      continue;
    }
    const k = Math.floor((Date.parse(s.ts) - from) / size);
    for (const m of HEALTH_METRICS) {
      const v = data[m];
      if (typeof v !== 'number' || m === 'uptimeS') continue;
      const series = buckets.get(m) ?? buckets.set(m, new Map()).get(m)!;
      const b = series.get(k) ?? series.set(k, { sum: 0, n: 0, max: -Infinity }).get(k)!;
      b.sum += v;
      b.n++;
      b.max = Math.max(b.max, v);
    }
  }
  const out: MetricSeries = {};
  for (const [m, series] of buckets) {
    out[m] = [...series]
      .sort((a, b) => a[0] - b[0])
      .map(([k, b]) => ({
        at: new Date(from + k * size).toISOString(),
        avg: Math.round((b.sum / b.n) * 10) / 10,
        max: b.max,
      }));
  }
  return out;
}

/** Before the oldest raw sample kept, the hourly roll-ups stand in (average and peak per hour). */
export function withRollups(series: MetricSeries, hourly: HourlyHealth[], rawFrom: string): MetricSeries {
  const out: MetricSeries = {};
  const older = hourly.filter((h) => h.hour < rawFrom);
  for (const m of new Set([...Object.keys(series), ...older.flatMap((h) => Object.keys(h.stats))])) {
    if (m === 'uptimeS') continue;
    const early = older
      .filter((h) => h.stats[m])
      .map((h) => ({ at: h.hour, avg: h.stats[m].avg, max: h.stats[m].max }));
    out[m] = [...early, ...(series[m] ?? [])];
  }
  return out;
}
