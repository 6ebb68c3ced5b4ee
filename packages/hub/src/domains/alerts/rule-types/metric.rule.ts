import { ValidationError } from '../../../platform/errors.js';
import { knownMetricNames, metricValue, resolveMetric } from '../../health/index.js';
import { HOLD, ParamReader, defineRuleType } from './rule-type.js';

const OPS = ['>', '>=', '<', '<='] as const;
type Op = (typeof OPS)[number];
interface P {
  metric: string;
  op: Op;
  threshold: number;
  reset: number;
  staleFactor: number;
}

const above = (op: Op) => op === '>' || op === '>=';

// A health metric past a threshold (the engine's forS gives the duration). Hysteresis: the alert
// resets only once the value is back past `reset`, so a value hovering at the limit does not flap.
export const metricRule = defineRuleType<P>({
  type: 'metric',
  title: 'metric threshold',
  params: {
    metric: `health field: ${knownMetricNames().join(', ')}`,
    op: '> >= < <= (default >)',
    threshold: 'value that fires the alert',
    reset: 'value the metric must get back past to reset (default: threshold)',
    staleFactor: 'reports older than interval × this are ignored (default 3)',
  },
  parse(raw) {
    const p = new ParamReader(raw);
    const name = p.str('metric', { maxLength: 64 });
    const metric = resolveMetric(name);
    if (!metric)
      throw new ValidationError(`unknown metric "${name}"; known: ${knownMetricNames().join(', ')}`, {
        path: '/params/metric',
      });
    const op = p.oneOf('op', OPS, '>');
    const threshold = p.num('threshold', {});
    const reset = p.num('reset', { def: threshold });
    if (above(op) ? reset > threshold : reset < threshold) {
      throw new ValidationError(
        `params.reset must be on the safe side of the threshold (${above(op) ? '<=' : '>='} ${threshold})`,
        { path: '/params/reset' },
      );
    }
    const staleFactor = p.num('staleFactor', { min: 1, max: 100, def: 3 });
    p.done();
    return { metric, op, threshold, reset, staleFactor };
  },
  evaluate(dev, p, _l, now) {
    const v = metricValue(dev.health(), p.metric);
    // No value, or an old one (device offline or silent): say nothing either way.
    if (v === null || !dev.healthAt || now - Date.parse(dev.healthAt) > dev.healthIntervalS * p.staleFactor * 1000)
      return HOLD;
    const fires = { '>': v > p.threshold, '>=': v >= p.threshold, '<': v < p.threshold, '<=': v <= p.threshold }[p.op];
    if (fires) return { status: 'breach', value: v, text: `${p.metric} is ${v} (${p.op} ${p.threshold})` };
    const clear = above(p.op)
      ? v < p.reset || (p.reset < p.threshold && v === p.reset)
      : v > p.reset || (p.reset > p.threshold && v === p.reset);
    return clear ? { status: 'ok', value: v } : { status: 'hold', value: v };
  },
});
