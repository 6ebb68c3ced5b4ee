import { DATA_POINT_PATTERN, DATA_QUALITIES } from '@outpost/protocol';
import { HOLD, OK, ParamReader, defineRuleType, humanDuration, type AnyRuleType } from './rule-type.js';

// Data monitors: rule types over devices' process values (the streams domain's data, read through
// the source the hub's wiring hands in). The engine owns `forS` (a breach must hold that long
// before the alert fires, once) and `clearForS`; these types decide breach, reset and hold, so a
// threshold resolves only past its hysteresis band.

/** A point's latest value as the monitors read it. */
export interface DataMonitorValue {
  deviceId: string;
  value: number | boolean | string | null;
  quality: string;
  /** Source time, ms since the epoch. */
  sourceTs: number;
}

export interface DataMonitorSource {
  /** The latest value of `point` on each of these devices that has one. */
  latestOfPoint(point: string, deviceIds: readonly string[]): Promise<DataMonitorValue[]>;
  /** Per device, the first and last readable numeric value of `point` in [from, to]. */
  firstLastOf(
    point: string,
    deviceIds: readonly string[],
    from: number,
    to: number,
  ): Promise<Map<string, { first: { ts: number; v: number }; last: { ts: number; v: number } }>>;
}

const POINT = new RegExp(DATA_POINT_PATTERN);
const pointParam = (p: ParamReader) => p.str('point', { pattern: POINT, maxLength: 64 });
const ids = (ctx: { devices: Array<{ id: string }> }) => ctx.devices.map((d) => d.id);

/** A readable number: numbers, booleans as 0/1; null for strings, nulls and bad readings. */
function numberOf(v: DataMonitorValue | undefined): number | null {
  if (!v || v.quality === 'bad') return null;
  if (typeof v.value === 'number') return v.value;
  if (typeof v.value === 'boolean') return v.value ? 1 : 0;
  return null;
}

async function byDevice(source: DataMonitorSource, point: string, deviceIds: readonly string[]) {
  return new Map((await source.latestOfPoint(point, deviceIds)).map((v) => [v.deviceId, v]));
}

// Above (or below) a threshold; resolves only once back past the threshold by the hysteresis.
export function dataThresholdRule(source: DataMonitorSource): AnyRuleType {
  type P = { point: string; direction: 'above' | 'below'; threshold: number; hysteresis: number };
  return defineRuleType<P, Map<string, DataMonitorValue>>({
    type: 'data_threshold',
    title: 'data point above or below a threshold',
    params: {
      point: 'the data point, e.g. tank_level',
      direction: 'above or below (default above)',
      threshold: 'fires while the value is beyond this',
      hysteresis: 'resolves only once the value is back by this much (default 0)',
    },
    parse(raw) {
      const p = new ParamReader(raw);
      const r = {
        point: pointParam(p),
        direction: p.oneOf('direction', ['above', 'below'] as const, 'above'),
        threshold: p.num('threshold', {}),
        hysteresis: p.num('hysteresis', { min: 0, def: 0 }),
      };
      p.done();
      return r;
    },
    load: (ctx, p) => byDevice(source, p.point, ids(ctx)),
    evaluate(dev, p, latest) {
      const v = numberOf(latest.get(dev.id));
      if (v === null) return HOLD;
      const beyond = p.direction === 'above' ? v > p.threshold : v < p.threshold;
      if (beyond) return { status: 'breach', value: v, text: `${p.point} ${v} is ${p.direction} ${p.threshold}` };
      const back = p.direction === 'above' ? v <= p.threshold - p.hysteresis : v >= p.threshold + p.hysteresis;
      return back ? { status: 'ok', value: v } : { status: 'hold', value: v };
    },
  });
}

// Changes faster than a rate (per minute) over a window, up or down or either.
export function dataRateRule(source: DataMonitorSource): AnyRuleType {
  type P = { point: string; perMinute: number; direction: 'up' | 'down' | 'either'; windowS: number };
  type L = Awaited<ReturnType<DataMonitorSource['firstLastOf']>>;
  return defineRuleType<P, L>({
    type: 'data_rate',
    title: 'data point changing too fast',
    params: {
      point: 'the data point',
      perMinute: 'fires when the value changes by more than this per minute',
      direction: 'up, down or either (default either)',
      windowS: 'the window the change is measured over, seconds (default 300)',
    },
    parse(raw) {
      const p = new ParamReader(raw);
      const r = {
        point: pointParam(p),
        perMinute: p.num('perMinute', { above: 0 }),
        direction: p.oneOf('direction', ['up', 'down', 'either'] as const, 'either'),
        windowS: p.num('windowS', { min: 10, max: 7 * 86_400, def: 300 }),
      };
      p.done();
      return r;
    },
    load: (ctx, p) => source.firstLastOf(p.point, ids(ctx), ctx.now - p.windowS * 1000, ctx.now),
    evaluate(dev, p, fl) {
      const x = fl.get(dev.id);
      if (!x || x.last.ts - x.first.ts < 1000) return HOLD;
      const rate = ((x.last.v - x.first.v) / (x.last.ts - x.first.ts)) * 60_000;
      const fast =
        p.direction === 'up'
          ? rate > p.perMinute
          : p.direction === 'down'
            ? -rate > p.perMinute
            : Math.abs(rate) > p.perMinute;
      const rounded = Math.round(rate * 1000) / 1000;
      return fast
        ? {
            status: 'breach',
            value: rounded,
            text: `${p.point} changes by ${rounded} per minute (limit ${p.perMinute})`,
          }
        : { status: 'ok', value: rounded };
    },
  });
}

// No new value for a while: the newest source time is older than `afterS`.
export function dataStaleRule(source: DataMonitorSource): AnyRuleType {
  return defineRuleType<{ point: string; afterS: number }, Map<string, DataMonitorValue>>({
    type: 'data_stale',
    title: 'data point not updated',
    params: {
      point: 'the data point',
      afterS: 'fires when the newest value is older than this, seconds (default 900)',
    },
    parse(raw) {
      const p = new ParamReader(raw);
      const r = { point: pointParam(p), afterS: p.num('afterS', { min: 1, max: 365 * 86_400, def: 900 }) };
      p.done();
      return r;
    },
    load: (ctx, p) => byDevice(source, p.point, ids(ctx)),
    evaluate(dev, p, latest, now) {
      const v = latest.get(dev.id);
      // A device that never reported the point has nothing to go stale.
      if (!v) return HOLD;
      const age = now - v.sourceTs;
      return age > p.afterS * 1000
        ? { status: 'breach', value: v.sourceTs, text: `${p.point} not updated for ${humanDuration(age)}` }
        : { status: 'ok', value: v.sourceTs };
    },
  });
}

// A state in a set: a breaker `tripped`, a pump `false`, an alarm code 3 or 7.
export function dataStateRule(source: DataMonitorSource): AnyRuleType {
  return defineRuleType<{ point: string; states: string[] }, Map<string, DataMonitorValue>>({
    type: 'data_state',
    title: 'data point in a state',
    params: { point: 'the data point', states: 'values that fire, as text: "tripped", "false", "3"' },
    parse(raw) {
      const p = new ParamReader(raw);
      const r = { point: pointParam(p), states: p.strList('states', { pattern: /^.{1,256}$/s, min: 1, max: 50 }) };
      p.done();
      return r;
    },
    load: (ctx, p) => byDevice(source, p.point, ids(ctx)),
    evaluate(dev, p, latest) {
      const v = latest.get(dev.id);
      if (!v || v.quality === 'bad' || v.value === null) return HOLD;
      const text = String(v.value);
      return p.states.includes(text)
        ? { status: 'breach', value: v.value, text: `${p.point} is ${text}` }
        : { status: 'ok', value: v.value };
    },
  });
}

// A reading of bad (or, when asked, uncertain) quality.
export function dataQualityRule(source: DataMonitorSource): AnyRuleType {
  return defineRuleType<{ point: string; qualities: string[] }, Map<string, DataMonitorValue>>({
    type: 'data_quality',
    title: 'data point quality not good',
    params: { point: 'the data point', qualities: 'qualities that fire (default ["bad"])' },
    parse(raw) {
      const p = new ParamReader(raw);
      const r = {
        point: pointParam(p),
        qualities: p.strList('qualities', {
          pattern: new RegExp(`^(${DATA_QUALITIES.join('|')})$`),
          min: 1,
          max: 3,
          def: ['bad'],
        }),
      };
      p.done();
      return r;
    },
    load: (ctx, p) => byDevice(source, p.point, ids(ctx)),
    evaluate(dev, p, latest) {
      const v = latest.get(dev.id);
      if (!v) return HOLD;
      return p.qualities.includes(v.quality)
        ? { status: 'breach', value: v.quality, text: `${p.point} quality is ${v.quality}` }
        : OK;
    },
  });
}

/** Every data monitor type over one source. */
export const dataMonitorRules = (s: DataMonitorSource): AnyRuleType[] => [
  dataThresholdRule(s),
  dataRateRule(s),
  dataStaleRule(s),
  dataStateRule(s),
  dataQualityRule(s),
];
