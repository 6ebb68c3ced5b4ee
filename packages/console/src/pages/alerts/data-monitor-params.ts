import { DATA_POINT_RE, DATA_QUALITIES } from '@outpost/protocol';

// The data monitor rule types (docs/DATA.md, "Data monitors") as form fields: the form keeps
// text, `dataMonitorParams` turns it into the rule's params with the checks the hub's
// ParamReader makes (alerts/rule-types/data.rules.ts), so a mistake is named before sending.

export const DATA_MONITOR_TYPES = ['data_threshold', 'data_rate', 'data_stale', 'data_state', 'data_quality'] as const;
export type DataMonitorType = (typeof DATA_MONITOR_TYPES)[number];
export const isDataMonitor = (t: string): t is DataMonitorType => (DATA_MONITOR_TYPES as readonly string[]).includes(t);

export interface DataMonitorFields {
  point: string;
  direction: string;
  threshold: string;
  hysteresis: string;
  perMinute: string;
  windowS: string;
  afterS: string;
  /** One state per line. */
  states: string;
  qualities: string[];
}

export const EMPTY_FIELDS: DataMonitorFields = {
  point: '',
  direction: '',
  threshold: '',
  hysteresis: '0',
  perMinute: '',
  windowS: '300',
  afterS: '900',
  states: '',
  qualities: ['bad'],
};

/** The form's fields from a stored rule's params (editing keeps what is there). */
export function fieldsOf(type: DataMonitorType, params: Record<string, unknown>): DataMonitorFields {
  const text = (k: string, def: string) => (params[k] === undefined ? def : String(params[k]));
  return {
    point: text('point', ''),
    direction: text('direction', type === 'data_rate' ? 'either' : 'above'),
    threshold: text('threshold', ''),
    hysteresis: text('hysteresis', '0'),
    perMinute: text('perMinute', ''),
    windowS: text('windowS', '300'),
    afterS: text('afterS', '900'),
    states: Array.isArray(params.states) ? params.states.map(String).join('\n') : '',
    qualities: Array.isArray(params.qualities) ? params.qualities.map(String) : ['bad'],
  };
}

export type ParamsResult = { params: Record<string, unknown> } | { field: keyof DataMonitorFields; error: string };

function number(
  f: DataMonitorFields,
  k: keyof DataMonitorFields,
  label: string,
  o: { min?: number; max?: number; above?: number } = {},
): number | string {
  const t = String(f[k]).trim();
  const v = Number(t);
  if (t === '' || !Number.isFinite(v)) return `${label} must be a number.`;
  if (o.min !== undefined && v < o.min) return `${label} must be at least ${o.min}.`;
  if (o.above !== undefined && v <= o.above) return `${label} must be greater than ${o.above}.`;
  if (o.max !== undefined && v > o.max) return `${label} must be at most ${o.max}.`;
  return v;
}

/** The rule's params, or the first field that would be refused and why. */
export function dataMonitorParams(type: DataMonitorType, f: DataMonitorFields): ParamsResult {
  const point = f.point.trim();
  if (!DATA_POINT_RE.test(point))
    return {
      field: 'point',
      error: 'Point: lowercase letters, digits and _ . - (up to 64), starting with a letter, e.g. tank.level.',
    };
  const out: Record<string, unknown> = { point };
  const nums: Array<[keyof DataMonitorFields, string, { min?: number; max?: number; above?: number }]> =
    type === 'data_threshold'
      ? [
          ['threshold', 'Threshold', {}],
          ['hysteresis', 'Hysteresis', { min: 0 }],
        ]
      : type === 'data_rate'
        ? [
            ['perMinute', 'Change per minute', { above: 0 }],
            ['windowS', 'Window', { min: 10, max: 7 * 86_400 }],
          ]
        : type === 'data_stale'
          ? [['afterS', 'Stale after', { min: 1, max: 365 * 86_400 }]]
          : [];
  for (const [k, label, o] of nums) {
    const v = number(f, k, label, o);
    if (typeof v === 'string') return { field: k, error: v };
    out[k] = v;
  }
  if (type === 'data_threshold') {
    if (f.direction !== 'above' && f.direction !== 'below')
      return { field: 'direction', error: 'Choose above or below.' };
    out.direction = f.direction;
  }
  if (type === 'data_rate') {
    if (!['up', 'down', 'either'].includes(f.direction))
      return { field: 'direction', error: 'Choose up, down or either.' };
    out.direction = f.direction;
  }
  if (type === 'data_state') {
    const states = f.states
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean);
    if (states.length < 1 || states.length > 50) return { field: 'states', error: 'States: one to 50, one per line.' };
    if (states.some((s) => s.length > 256)) return { field: 'states', error: 'States: at most 256 characters each.' };
    out.states = states;
  }
  if (type === 'data_quality') {
    const q = f.qualities.filter((x) => (DATA_QUALITIES as readonly string[]).includes(x));
    if (q.length < 1) return { field: 'qualities', error: 'Choose at least one quality.' };
    out.qualities = q;
  }
  return { params: out };
}

const num = (v: unknown) => (typeof v === 'number' ? String(v) : '?');

/** A stored data monitor in words: "tank.level above 7 (resolves at 6.5 or below)". */
export function describeDataMonitor(type: string, p: Record<string, unknown>): string | null {
  const point = typeof p.point === 'string' ? p.point : '?';
  switch (type) {
    case 'data_threshold': {
      const dir = p.direction === 'below' ? 'below' : 'above';
      const h = typeof p.hysteresis === 'number' ? p.hysteresis : 0;
      const t = typeof p.threshold === 'number' ? p.threshold : NaN;
      const back = dir === 'above' ? `${t - h} or below` : `${t + h} or above`;
      return `${point} ${dir} ${num(p.threshold)}${h ? ` (resolves at ${back})` : ''}`;
    }
    case 'data_rate': {
      const dir = p.direction === 'up' ? 'rises' : p.direction === 'down' ? 'falls' : 'changes';
      return `${point} ${dir} faster than ${num(p.perMinute)} per minute over ${num(p.windowS ?? 300)} s`;
    }
    case 'data_stale':
      return `${point} has no new value for ${num(p.afterS ?? 900)} s`;
    case 'data_state':
      return `${point} is ${Array.isArray(p.states) ? p.states.map((s) => `“${String(s)}”`).join(' or ') : '?'}`;
    case 'data_quality':
      return `${point} quality is ${Array.isArray(p.qualities) ? p.qualities.join(' or ') : 'bad'}`;
    default:
      return null;
  }
}
