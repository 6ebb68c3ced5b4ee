import { OK, ParamReader, defineRuleType, type AnyRuleType } from './rule-type.js';

/** A device's cellular use in the recent window and in the days before it, as the cellular domain counts it. */
export interface UsageWindowRecord {
  recentBytes: number;
  baselineBytes: number;
  /** The oldest hour the device has use on record (ms since the epoch). */
  firstHourMs: number;
}

export interface UsageSpikeSource {
  /** Per device: bytes in [recentFromMs, now) and in [baselineFromMs, recentFromMs); devices without use are left out. */
  usageWindows(
    deviceIds: string[],
    baselineFromMs: number,
    recentFromMs: number,
  ): Promise<Map<string, UsageWindowRecord>>;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface UsageSpikeParams {
  windowH: number;
  factor: number;
  minBytes: number;
  baselineDays: number;
}

export const USAGE_SPIKE_DEFAULTS: UsageSpikeParams = {
  windowH: 24,
  factor: 3,
  minBytes: 50_000_000,
  baselineDays: 7,
};

const mb = (n: number) => `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)} MB`;

// A usage spike: the last `windowH` hours moved more than `factor` times what the device's
// trailing daily average (over the `baselineDays` before the window) gives for that long, and
// more than `minBytes`, so idle devices stay quiet. A device needs a day of history before the
// window to be judged. The alert fires once per spike and resolves when the window is back
// within the bound.
export function usageSpikeRule(source: UsageSpikeSource): AnyRuleType {
  return defineRuleType<UsageSpikeParams, { windows: Map<string, UsageWindowRecord>; recentFrom: number }>({
    type: 'cellular_usage_spike',
    title: 'cellular data usage spike',
    params: {
      windowH: `hours of recent use compared (default ${USAGE_SPIKE_DEFAULTS.windowH})`,
      factor: `fires when recent use exceeds this many times the trailing average for as long (default ${USAGE_SPIKE_DEFAULTS.factor})`,
      minBytes: `and exceeds this many bytes (default ${USAGE_SPIKE_DEFAULTS.minBytes}, 50 MB)`,
      baselineDays: `days before the window that make the trailing average (default ${USAGE_SPIKE_DEFAULTS.baselineDays})`,
    },
    parse(raw) {
      const p = new ParamReader(raw);
      const d = USAGE_SPIKE_DEFAULTS;
      const windowH = p.num('windowH', { min: 1, max: 168, integer: true, def: d.windowH });
      const factor = p.num('factor', { above: 1, max: 1000, def: d.factor });
      const minBytes = p.num('minBytes', { min: 0, max: 1e15, def: d.minBytes });
      const baselineDays = p.num('baselineDays', { min: 1, max: 28, integer: true, def: d.baselineDays });
      p.done();
      return { windowH, factor, minBytes, baselineDays };
    },
    async load(ctx, p) {
      // Whole hours: the cellular domain counts use per UTC hour, the current one included.
      const recentFrom = Math.floor(ctx.now / HOUR_MS) * HOUR_MS - (p.windowH - 1) * HOUR_MS;
      const baselineFrom = recentFrom - p.baselineDays * DAY_MS;
      const windows = await source.usageWindows(
        ctx.devices.map((d) => d.id),
        baselineFrom,
        recentFrom,
      );
      return { windows, recentFrom };
    },
    evaluate(dev, p, { windows, recentFrom }) {
      const w = windows.get(dev.id);
      if (!w) return OK;
      // Days of history before the window (at most baselineDays): a young device's average is over what it has.
      const historyDays = Math.min(p.baselineDays, (recentFrom - w.firstHourMs) / DAY_MS);
      if (historyDays < 1) return OK;
      const dailyAvg = w.baselineBytes / historyDays;
      const bound = Math.max(p.minBytes, p.factor * dailyAvg * (p.windowH / 24));
      const value = { recentBytes: w.recentBytes, dailyAverageBytes: Math.round(dailyAvg) };
      if (w.recentBytes <= bound) return { status: 'ok', value };
      return {
        status: 'breach',
        value,
        text: `${mb(w.recentBytes)} in the last ${p.windowH} h, over ${p.factor}× the trailing daily average of ${mb(dailyAvg)} (${p.baselineDays} days)`,
      };
    },
  });
}
