import { DATA_POINT_RE } from '@outpost/protocol';
import type { DataHistory } from '../../app/route-types.js';

// The trend view's state lives in its address, so a view can be shared and reloaded:
// `/data/trend?s=DEVICE:POINT&s=…&range=24h` or `…&from=ISO&to=ISO`. Device ids hold no ':'.

export const MAX_SERIES = 8;
export const PRESETS = [
  { id: '1h', label: '1 h', ms: 3_600_000 },
  { id: '24h', label: '24 h', ms: 86_400_000 },
  { id: '7d', label: '7 d', ms: 7 * 86_400_000 },
  { id: '30d', label: '30 d', ms: 30 * 86_400_000 },
] as const;
export type PresetId = (typeof PRESETS)[number]['id'];

export interface SeriesRef {
  deviceId: string;
  point: string;
}

export interface TrendState {
  series: SeriesRef[];
  /** A preset measured back from now, or a fixed range. */
  range: { preset: PresetId } | { from: number; to: number };
}

const DEVICE_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export function parseSeries(text: string): SeriesRef | null {
  const i = text.indexOf(':');
  if (i < 0) return null;
  const deviceId = text.slice(0, i);
  const point = text.slice(i + 1);
  return DEVICE_RE.test(deviceId) && DATA_POINT_RE.test(point) ? { deviceId, point } : null;
}

export const seriesKey = (s: SeriesRef) => `${s.deviceId}:${s.point}`;

/** The state in an address's query; unreadable parts fall back (no series, the last hour). */
export function readTrendState(q: URLSearchParams): TrendState {
  const seen = new Set<string>();
  const series: SeriesRef[] = [];
  for (const text of q.getAll('s')) {
    const s = parseSeries(text);
    if (s && !seen.has(seriesKey(s)) && series.length < MAX_SERIES) {
      seen.add(seriesKey(s));
      series.push(s);
    }
  }
  const from = Date.parse(q.get('from') ?? '');
  const to = Date.parse(q.get('to') ?? '');
  if (Number.isFinite(from) && Number.isFinite(to) && to > from) return { series, range: { from, to } };
  const preset = PRESETS.find((p) => p.id === q.get('range'))?.id ?? '1h';
  return { series, range: { preset } };
}

export function trendHref(s: Partial<TrendState> & { series: SeriesRef[] }): string {
  const q = new URLSearchParams();
  for (const x of s.series.slice(0, MAX_SERIES)) q.append('s', seriesKey(x));
  const r = s.range ?? { preset: '1h' };
  if ('preset' in r) q.set('range', r.preset);
  else {
    q.set('from', new Date(r.from).toISOString());
    q.set('to', new Date(r.to).toISOString());
  }
  return `/data/trend?${q.toString()}`;
}

/** The range in ms since the epoch; a preset ends now. */
export function rangeOf(r: TrendState['range'], now: number): { from: number; to: number } {
  if ('from' in r) return r;
  const ms = PRESETS.find((p) => p.id === r.preset)!.ms;
  return { from: now - ms, to: now };
}

/**
 * The tier a range is drawn from, a few thousand points per series at most: raw values up to
 * 6 hours, 1-minute roll-ups up to 2 days, hourly up to 120 days, daily beyond.
 */
export function intervalFor(rangeMs: number): DataHistory['interval'] {
  const h = 3_600_000;
  if (rangeMs <= 6 * h) return 'raw';
  if (rangeMs <= 48 * h) return '1m';
  if (rangeMs <= 120 * 24 * h) return '1h';
  return '1d';
}
