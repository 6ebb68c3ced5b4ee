import { HEALTH_STATES, type HealthReason, type HealthRule, type HealthState } from '@outpost/protocol';
import { ValidationError } from '../../platform/errors.js';
import { knownMetricNames, metricValue, resolveMetric } from './health-metrics.js';

/** One rule of a health model: a metric compared with a warning and/or an error threshold. */
export type { HealthRule };

export interface HealthVerdict {
  state: HealthState;
  reasons: HealthReason[];
}

// Used for models nobody configured: conservative limits for a cellular gateway.
export const DEFAULT_HEALTH_RULES: HealthRule[] = [
  { metric: 'cpuPct', op: '>', warning: 85, error: 95 },
  { metric: 'memUsedPct', op: '>', warning: 85, error: 95 },
  { metric: 'diskUsedPct', op: '>', warning: 80, error: 90 },
  { metric: 'temperatureC', op: '>', warning: 70, error: 85 },
  { metric: 'signalDbm', op: '<', warning: -105, error: -115 },
];

const RANK: Record<HealthState, number> = { normal: 0, unknown: 1, warning: 2, error: 3 };
const OPS = ['>', '>=', '<', '<='] as const;

export function worse(a: HealthState, b: HealthState): HealthState {
  return RANK[a] >= RANK[b] ? a : b;
}

function crosses(op: HealthRule['op'], value: number, limit: number): boolean {
  switch (op) {
    case '>':
      return value > limit;
    case '>=':
      return value >= limit;
    case '<':
      return value < limit;
    case '<=':
      return value <= limit;
  }
}

/** A device's health under a model: the worst state any rule gives; unknown without fresh data. */
export function judgeHealth(
  rules: HealthRule[],
  health: Record<string, unknown> | null,
  fresh: boolean,
): HealthVerdict {
  if (!health || !fresh) return { state: 'unknown', reasons: [] };
  let state: HealthState = 'normal';
  const reasons: HealthVerdict['reasons'] = [];
  for (const r of rules) {
    const value = metricValue(health, r.metric);
    // A metric this device does not report says nothing about its health.
    if (value === null) continue;
    let s: HealthState = 'normal';
    if (r.error !== undefined && crosses(r.op, value, r.error)) s = 'error';
    else if (r.warning !== undefined && crosses(r.op, value, r.warning)) s = 'warning';
    if (s !== 'normal') reasons.push({ metric: r.metric, value, state: s });
    state = worse(state, s);
  }
  return { state, reasons };
}

/** Checks a model's rules; errors name the path of the bad value, e.g. `/rules/2/metric`. */
export function parseHealthRules(input: unknown): HealthRule[] {
  if (!Array.isArray(input) || input.length > 64)
    throw new ValidationError('rules must be a list of at most 64 rules', { path: '/rules' });
  return input.map((raw, i) => {
    const at = `/rules/${i}`;
    const r = (raw ?? {}) as Record<string, unknown>;
    const metric = typeof r.metric === 'string' ? resolveMetric(r.metric) : null;
    if (!metric)
      throw new ValidationError(`unknown metric "${String(r.metric)}"; known: ${knownMetricNames().join(', ')}`, {
        path: `${at}/metric`,
      });
    if (!OPS.includes(r.op as HealthRule['op']))
      throw new ValidationError(`op must be one of ${OPS.join(' ')}`, { path: `${at}/op` });
    const op = r.op as HealthRule['op'];
    for (const k of ['warning', 'error'] as const) {
      if (r[k] !== undefined && (typeof r[k] !== 'number' || !Number.isFinite(r[k])))
        throw new ValidationError(`${k} must be a number`, { path: `${at}/${k}` });
    }
    const warning = r.warning as number | undefined;
    const error = r.error as number | undefined;
    if (warning === undefined && error === undefined)
      throw new ValidationError('a rule needs a warning or an error threshold', { path: at });
    if (warning !== undefined && error !== undefined && (op.startsWith('>') ? warning > error : warning < error)) {
      throw new ValidationError(`the warning threshold must come before the error threshold for "${op}"`, {
        path: `${at}/warning`,
      });
    }
    return { metric, op, ...(warning !== undefined ? { warning } : {}), ...(error !== undefined ? { error } : {}) };
  });
}

export function emptyCounts(): Record<HealthState, number> {
  return Object.fromEntries(HEALTH_STATES.map((s) => [s, 0])) as Record<HealthState, number>;
}
