import { useEffect, useState } from 'react';
import { STREAMS_ROUTES } from '@outpost/protocol';
import { loadRoute } from '../../app/use-route.js';
import { plotValue } from './data-format.js';

// The last hour of a point, small. Raw values when the hour holds few of them, else the 1-minute
// means; either way at most RAW_LIMIT rows per point, a few points at a time.
const HOUR_MS = 3_600_000;
const RAW_LIMIT = 500;
const PARALLEL = 4;

export type SparkPoints = Array<[number, number]>;

async function lastHour(deviceId: string, point: string, now: number): Promise<SparkPoints> {
  const range = { from: new Date(now - HOUR_MS).toISOString(), to: new Date(now + 1000).toISOString() };
  const params = { id: deviceId, point };
  let h = await loadRoute(STREAMS_ROUTES.history, {
    params,
    query: { ...range, interval: 'raw', limit: RAW_LIMIT, format: 'json' },
  });
  // A truncated raw answer leaves out the newest values: the roll-up has the whole hour.
  if (h.truncated)
    h = await loadRoute(STREAMS_ROUTES.history, { params, query: { ...range, interval: '1m', format: 'json' } });
  const out: SparkPoints = [];
  for (const r of h.rows) {
    const v = plotValue(r.value);
    if (v !== null && (r.quality ?? 'good') !== 'bad') out.push([Date.parse(r.ts), v]);
  }
  // Values are reported on change: the last one holds until now (a pump that ran all hour is a flat line).
  // A last reading of bad quality holds nothing.
  const last = out[out.length - 1];
  const lastRow = h.rows[h.rows.length - 1];
  if (last && lastRow?.quality !== 'bad' && last[0] < now) out.push([now, last[1]]);
  return out;
}

/** The last hour of each point, loaded a few at a time; reloads when `version` changes. */
export function useSparklines(deviceId: string, points: string[], version: number): Map<string, SparkPoints> {
  const [lines, setLines] = useState(new Map<string, SparkPoints>());
  const key = points.join(',');
  useEffect(() => {
    let cancelled = false;
    const queue = [...points];
    const now = Date.now();
    async function worker() {
      for (let p = queue.shift(); p !== undefined && !cancelled; p = queue.shift()) {
        const point = p;
        try {
          const line = await lastHour(deviceId, point, now);
          if (!cancelled) setLines((m) => new Map(m).set(point, line));
        } catch {
          // A sparkline is decoration: the row still shows the value and quality.
        }
      }
    }
    for (let i = 0; i < PARALLEL; i++) void worker();
    return () => {
      cancelled = true;
    };
  }, [deviceId, key, version]);
  return lines;
}

/** A line of the values over their time span, scaled to fit; nothing when fewer than two. */
export function Sparkline({ points, label }: { points: SparkPoints | undefined; label: string }) {
  const w = 120;
  const h = 28;
  if (!points || points.length < 2) return <span className="muted small">{points ? 'no values' : '…'}</span>;
  const t0 = points[0][0];
  const t1 = points[points.length - 1][0];
  let lo = Infinity;
  let hi = -Infinity;
  for (const [, v] of points) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const x = (t: number) => (t1 === t0 ? 0 : ((t - t0) / (t1 - t0)) * (w - 2) + 1);
  const y = (v: number) => (hi === lo ? h / 2 : h - 2 - ((v - lo) / (hi - lo)) * (h - 4));
  const path = points.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  return (
    <svg className="sparkline" width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={label}>
      <polyline points={path} fill="none" stroke="currentColor" strokeWidth="1.5" data-count={points.length} />
    </svg>
  );
}
