import { HOLD, OK, ParamReader, defineRuleType, humanDuration } from './rule-type.js';

// Connected, but no health report for longer than the device's own interval × k: an agent that
// hangs half-way. Offline devices are the offline rule's business; their alerts here stay as they are.
export const missingDataRule = defineRuleType<{ factor: number }>({
  type: 'missing_data',
  title: 'missing health data',
  params: { factor: 'multiple of the device health interval (default 3)' },
  parse(raw) {
    const p = new ParamReader(raw);
    const factor = p.num('factor', { min: 1, max: 1000, def: 3 });
    p.done();
    return { factor };
  },
  evaluate(dev, p, _l, now) {
    if (dev.presence !== 'online') return dev.presence === 'offline' ? HOLD : OK;
    const last = dev.healthAt ?? dev.presenceChangedAt;
    if (!last) return OK;
    const age = now - Date.parse(last);
    if (age <= dev.healthIntervalS * p.factor * 1000) return OK;
    return {
      status: 'breach',
      value: Math.round(age / 1000),
      text: `no health report for ${humanDuration(age)} (interval ${dev.healthIntervalS}s × ${p.factor})`,
    };
  },
});
