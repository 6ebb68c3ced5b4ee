import {
  HOLD,
  OK,
  ParamReader,
  defineRuleType,
  type Observation,
  type TrafficReader,
  type TrafficStatus,
} from './rule-type.js';

// 1.4826 × MAD estimates the standard deviation of normally distributed data.
const MAD_TO_SIGMA = 1.4826;

interface P {
  k: number;
  z: number;
  minBytesPerS: number;
  staleFactor: number;
}

// Traffic above k × the device's baseline for this hour of the week (median of past hours), and
// clearly outside its usual spread (z robust deviations), and above a floor so a nearly idle
// device does not alert on a few kilobytes.
export const trafficVolumeRule = defineRuleType<P, TrafficReader>({
  type: 'traffic_volume',
  title: 'traffic above baseline',
  params: {
    k: 'multiple of the baseline that fires (default 3)',
    z: 'robust deviations above the median also required (default 3)',
    minBytesPerS: 'ignore traffic below this rate (default 1000)',
    staleFactor: 'reports older than period × this are ignored (default 3)',
  },
  parse(raw) {
    const p = new ParamReader(raw);
    const k = p.num('k', { above: 1, max: 1000, def: 3 });
    const z = p.num('z', { min: 0, max: 100, def: 3 });
    const minBytesPerS = p.num('minBytesPerS', { min: 0, def: 1000 });
    const staleFactor = p.num('staleFactor', { min: 1, max: 100, def: 3 });
    p.done();
    return { k, z, minBytesPerS, staleFactor };
  },
  load: async (ctx) => ctx.traffic,
  evaluate(dev, p, traffic, now) {
    return judge(p, now, traffic.status(dev.id));
  },
});

function judge(p: P, now: number, s: TrafficStatus | undefined): Observation {
  if (!s || now - s.at > s.periodS * p.staleFactor * 1000) return HOLD;
  // Still learning what normal looks like for this device.
  if (!s.baseline) return OK;
  const { median, mad } = s.baseline;
  const rate = Math.round(s.bytesPerS);
  const ratio = median > 0 ? Math.round((s.bytesPerS / median) * 10) / 10 : null;
  const value = { bytesPerS: rate, baselineBytesPerS: Math.round(median), ratio, source: s.baseline.source };
  const high =
    s.bytesPerS >= p.k * median && s.bytesPerS >= p.minBytesPerS && s.bytesPerS - median >= p.z * MAD_TO_SIGMA * mad;
  if (high)
    return {
      status: 'breach',
      value,
      text: `traffic ${rate} B/s is ${ratio ?? '∞'}× the baseline of ${Math.round(median)} B/s for this hour`,
    };
  return s.bytesPerS < p.k * median ? { status: 'ok', value } : { status: 'hold', value };
}
