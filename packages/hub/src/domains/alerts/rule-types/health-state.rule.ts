import type { HealthVerdict } from '../../health/index.js';
import { HOLD, OK, ParamReader, defineRuleType } from './rule-type.js';

// The device's health under its model's rules is at least `state`.
export const healthStateRule = defineRuleType<{ state: 'warning' | 'error' }, Map<string, HealthVerdict>>({
  type: 'health_state',
  title: 'health state',
  params: { state: 'warning or error (default error)' },
  parse(raw) {
    const p = new ParamReader(raw);
    const state = p.oneOf('state', ['warning', 'error'] as const, 'error');
    p.done();
    return { state };
  },
  load: (ctx) => ctx.healthOf(ctx.devices),
  evaluate(dev, p, verdicts) {
    const v = verdicts.get(dev.id);
    if (!v || v.state === 'unknown') return HOLD;
    const bad = v.state === 'error' || (p.state === 'warning' && v.state === 'warning');
    if (!bad) return OK;
    return {
      status: 'breach',
      value: v.state,
      text: `health ${v.state}: ${v.reasons.map((r) => `${r.metric} ${r.value} (${r.state})`).join(', ')}`,
    };
  },
});
