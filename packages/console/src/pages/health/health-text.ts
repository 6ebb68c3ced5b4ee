import type { HealthRule, HealthRuleOp } from '@outpost/protocol';
import { duration } from '../../app/format.js';

/** Words and units for the fields of a device health report; a metric not listed here shows as its field name. */
const METRICS: Record<string, { label: string; unit: string }> = {
  cpuPct: { label: 'CPU', unit: ' %' },
  memUsedPct: { label: 'Memory', unit: ' %' },
  diskUsedPct: { label: 'Disk', unit: ' %' },
  temperatureC: { label: 'Temperature', unit: ' °C' },
  signalDbm: { label: 'Cellular signal', unit: ' dBm' },
  load1: { label: 'Load (1 min)', unit: '' },
  uptimeS: { label: 'Uptime', unit: ' s' },
};

export const OP_TEXT: Record<HealthRuleOp, { sign: string; words: string }> = {
  '>': { sign: '>', words: 'above' },
  '>=': { sign: '≥', words: 'at or above' },
  '<': { sign: '<', words: 'below' },
  '<=': { sign: '≤', words: 'at or below' },
};

export const OPS = Object.keys(OP_TEXT) as HealthRuleOp[];

export const metricLabel = (metric: string) => METRICS[metric]?.label ?? metric;

/** "CPU (cpuPct)": the word people use and the field the hub stores. */
export const metricOption = (metric: string) => (METRICS[metric] ? `${METRICS[metric].label} (${metric})` : metric);

const nf = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });

/** A threshold in the metric's unit: "85 %", "-105 dBm", "3600 s". */
export function limit(metric: string, n: number): string {
  return `${nf.format(n)}${METRICS[metric]?.unit ?? ''}`;
}

/** A reported value as people read it: uptime as a duration, the rest in their unit. */
export function reading(metric: string, n: number | null): string {
  if (n === null) return 'not reported';
  return metric === 'uptimeS' ? duration(n) : limit(metric, n);
}

/** "CPU > 85 % warning, > 95 % error". */
export function ruleText(r: HealthRule): string {
  const sign = OP_TEXT[r.op]?.sign ?? r.op;
  const parts = [
    ...(r.warning !== undefined ? [`${sign} ${limit(r.metric, r.warning)} warning`] : []),
    ...(r.error !== undefined ? [`${sign} ${limit(r.metric, r.error)} error`] : []),
  ];
  return `${metricLabel(r.metric)} ${parts.join(', ')}`;
}

/** Where in a health model the hub found a bad value: `/rules/2/metric` → "rule 3, metric". */
export function wherePath(path: unknown): string | undefined {
  if (typeof path !== 'string') return undefined;
  if (path === '/model') return 'model name';
  const m = /^\/rules(?:\/(\d+)(?:\/(\w+))?)?$/.exec(path);
  if (!m) return undefined;
  if (m[1] === undefined) return 'rules';
  const field = m[2] === 'op' ? 'comparison' : m[2] === 'warning' || m[2] === 'error' ? `${m[2]} threshold` : m[2];
  return `rule ${Number(m[1]) + 1}${field ? `, ${field}` : ''}`;
}

/** The `*` model, in words. */
export const modelName = (model: string) => (model === '*' ? 'the default model' : model);
