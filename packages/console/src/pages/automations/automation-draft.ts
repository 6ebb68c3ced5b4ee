import type {
  AutomationChange,
  AutomationGuards,
  AutomationStep,
  AutomationTarget,
  AutomationTrigger,
} from '@outpost/protocol';
import type { Automation } from '../../app/route-types.js';

// The builder edits plain strings (what inputs hold); these functions turn them into the hub's
// document and back. Anything that does not parse is reported at its field, before sending.

export type StepType = AutomationStep['type'];
export type StepActionChoice = '' | 'continue' | 'skip_rest' | 'fail';

export interface StepDraft {
  /** Stable across moves, for React keys. */
  key: number;
  type: StepType;
  label: string;
  name: string;
  args: string;
  param: string;
  forS: string;
  until: '' | 'online' | 'offline' | 'health_normal';
  channelId: string;
  message: string;
  values: string;
  templateId: string;
  artifactId: string;
  timeoutS: string;
  on: { ok: StepActionChoice; failed: StepActionChoice; timeout: StepActionChoice };
}

export interface GuardsDraft {
  maxDevices: string;
  maxConcurrent: string;
  perMinute: string;
  cooldownMin: string;
  approvalAbove: string;
  offline: '' | 'skip' | 'pick_up' | 'proceed';
  pickUpWithinMin: string;
  window: boolean;
  windowCron: string;
  windowDurationMin: string;
  windowTimezone: string;
}

export interface AutomationDraft {
  name: string;
  description: string;
  enabled: boolean;
  trigger: AutomationTrigger;
  targetKind: 'trigger_device' | 'group' | 'filter';
  group: string;
  filter: string;
  steps: StepDraft[];
  guards: GuardsDraft;
}

/** A problem the builder shows beside a field: `path` is a JSON pointer into the document (`/steps/1/name`). */
export interface FieldProblem {
  path: string;
  message: string;
}

let nextKey = 1;

export function newStep(type: StepType = 'command'): StepDraft {
  return {
    key: nextKey++,
    type,
    label: '',
    name: type === 'command' ? 'ping' : '',
    args: '',
    param: '',
    forS: type === 'wait' ? '60' : '',
    until: '',
    channelId: '',
    message: '',
    values: '',
    templateId: '',
    artifactId: '',
    timeoutS: '',
    on: { ok: '', failed: '', timeout: '' },
  };
}

export const BROWSER_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export function emptyDraft(): AutomationDraft {
  return {
    name: '',
    description: '',
    enabled: true,
    trigger: { kind: 'manual' },
    targetKind: 'group',
    group: '',
    filter: '',
    steps: [newStep('command')],
    guards: {
      maxDevices: '',
      maxConcurrent: '',
      perMinute: '',
      cooldownMin: '',
      approvalAbove: '',
      offline: '',
      pickUpWithinMin: '',
      window: false,
      windowCron: '0 2 * * *',
      windowDurationMin: '120',
      windowTimezone: BROWSER_ZONE,
    },
  };
}

const str = (n: number | undefined) => (n === undefined ? '' : String(n));

function stepDraftOf(s: AutomationStep): StepDraft {
  const d = newStep(s.type);
  d.name = '';
  d.forS = '';
  d.label = s.label ?? '';
  d.timeoutS = str(s.timeoutS);
  d.on = { ok: s.on?.ok ?? '', failed: s.on?.failed ?? '', timeout: s.on?.timeout ?? '' };
  if (s.type === 'command') {
    d.name = s.name;
    d.args = s.args ? JSON.stringify(s.args) : '';
  } else if (s.type === 'diagnostic') {
    d.name = s.name;
    d.param = s.param ?? '';
  } else if (s.type === 'wait') {
    d.forS = str(s.forS);
    d.until = s.until ?? '';
  } else if (s.type === 'notify') {
    d.channelId = s.channelId;
    d.message = s.message;
  } else if (s.type === 'config_override') d.values = JSON.stringify(s.values);
  else if (s.type === 'enforce_template') d.templateId = s.templateId;
  else if (s.type === 'rollout') d.artifactId = s.artifactId;
  return d;
}

/** A stored automation as the builder's strings, for a change (which becomes the next version). */
export function draftOf(a: Automation): AutomationDraft {
  const g: AutomationGuards = a.guards ?? {};
  const w = g.maintenanceWindow;
  const t: AutomationTarget = a.target;
  return {
    name: a.name,
    description: a.description ?? '',
    enabled: a.enabled ?? true,
    trigger: a.trigger,
    targetKind: t.kind === 'trigger_device' ? 'trigger_device' : t.group ? 'group' : 'filter',
    group: t.kind === 'devices' ? (t.group ?? '') : '',
    filter: t.kind === 'devices' ? (t.filter ?? '') : '',
    steps: a.steps.map(stepDraftOf),
    guards: {
      maxDevices: str(g.maxDevices),
      maxConcurrent: str(g.maxConcurrent),
      perMinute: str(g.perMinute),
      cooldownMin: str(g.cooldownMin),
      approvalAbove: str(g.approvalAbove),
      offline: g.offline ?? '',
      pickUpWithinMin: str(g.pickUpWithinMin),
      window: !!w,
      windowCron: w?.cron ?? '0 2 * * *',
      windowDurationMin: str(w?.durationMin ?? 120),
      windowTimezone: w?.timezone ?? BROWSER_ZONE,
    },
  };
}

class DraftError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

function int(text: string, path: string): number | undefined {
  const t = text.trim();
  if (!t) return undefined;
  if (!/^\d+$/.test(t)) throw new DraftError(path, 'a whole number');
  return Number(t);
}

function jsonObject(text: string, path: string, required: boolean): Record<string, unknown> | undefined {
  const t = text.trim();
  if (!t) {
    if (required) throw new DraftError(path, 'give at least one key and value as a JSON object');
    return undefined;
  }
  let v: unknown;
  try {
    v = JSON.parse(t);
  } catch {
    throw new DraftError(path, 'not valid JSON: write an object such as {"host": "10.0.0.1"}');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new DraftError(path, 'a JSON object ({…}) is needed');
  return v as Record<string, unknown>;
}

function stepOf(d: StepDraft, i: number): AutomationStep {
  const p = `/steps/${i}`;
  const on = Object.fromEntries(Object.entries(d.on).filter(([, v]) => v)) as AutomationStep['on'];
  const base = {
    ...(d.label.trim() ? { label: d.label.trim() } : {}),
    ...(int(d.timeoutS, `${p}/timeoutS`) !== undefined ? { timeoutS: int(d.timeoutS, `${p}/timeoutS`) } : {}),
    ...(on && Object.keys(on).length ? { on } : {}),
  };
  switch (d.type) {
    case 'command': {
      const args = jsonObject(d.args, `${p}/args`, false);
      return { type: 'command', name: d.name.trim(), ...(args ? { args } : {}), ...base };
    }
    case 'reboot':
      return { type: 'reboot', ...base };
    case 'diagnostic':
      return { type: 'diagnostic', name: d.name.trim(), ...(d.param ? { param: d.param } : {}), ...base };
    case 'wait': {
      const forS = int(d.forS, `${p}/forS`);
      if (forS === undefined && !d.until) throw new DraftError(`${p}/forS`, 'give a duration or a condition');
      return { type: 'wait', ...(forS !== undefined ? { forS } : {}), ...(d.until ? { until: d.until } : {}), ...base };
    }
    case 'notify':
      return { type: 'notify', channelId: d.channelId, message: d.message, ...base };
    case 'config_override':
      return { type: 'config_override', values: jsonObject(d.values, `${p}/values`, true)!, ...base };
    case 'enforce_template':
      return { type: 'enforce_template', templateId: d.templateId, ...base };
    case 'rollout':
      return { type: 'rollout', artifactId: d.artifactId, ...base };
  }
}

function guardsOf(g: GuardsDraft): AutomationGuards {
  const out: AutomationGuards = {};
  for (const k of [
    'maxDevices',
    'maxConcurrent',
    'perMinute',
    'cooldownMin',
    'approvalAbove',
    'pickUpWithinMin',
  ] as const) {
    const v = int(g[k], `/guards/${k}`);
    if (v !== undefined) out[k] = v;
  }
  if (g.offline) out.offline = g.offline;
  if (g.window)
    out.maintenanceWindow = {
      cron: g.windowCron.trim(),
      durationMin: int(g.windowDurationMin, '/guards/maintenanceWindow/durationMin') ?? 60,
      timezone: g.windowTimezone.trim(),
    };
  return out;
}

/** The document the hub takes, or the first field that does not parse. */
export function specOf(d: AutomationDraft): AutomationChange | FieldProblem {
  try {
    const target: AutomationTarget =
      d.targetKind === 'trigger_device'
        ? { kind: 'trigger_device' }
        : d.targetKind === 'group'
          ? { kind: 'devices', group: d.group.trim() }
          : { kind: 'devices', filter: d.filter.trim() };
    if (d.targetKind === 'group' && !d.group.trim()) throw new DraftError('/target/group', 'choose a group');
    if (d.targetKind === 'filter' && !d.filter.trim()) throw new DraftError('/target/filter', 'apply a filter');
    return {
      ...(d.description.trim() ? { description: d.description.trim() } : {}),
      enabled: d.enabled,
      trigger: d.trigger,
      target,
      steps: d.steps.map(stepOf),
      guards: guardsOf(d.guards),
    };
  } catch (err) {
    if (err instanceof DraftError) return { path: err.path, message: err.message };
    throw err;
  }
}

export const isProblem = (v: unknown): v is FieldProblem =>
  !!v && typeof v === 'object' && 'path' in v && 'message' in v && !('trigger' in v);

/** The message for exactly this field. */
export const messageAt = (p: FieldProblem | null, path: string) => (p && p.path === path ? p.message : undefined);

/** The message for a section (`/steps/2`) when no field inside it shows it. */
export function messageWithin(p: FieldProblem | null, prefix: string, fields: string[]): string | undefined {
  if (!p || (p.path !== prefix && !p.path.startsWith(`${prefix}/`))) return undefined;
  return fields.includes(p.path) ? undefined : p.message;
}

/** Moves item `i` by `by` places (−1 up, +1 down); out of range leaves the list as it is. */
export function moved<T>(list: T[], i: number, by: number): T[] {
  const j = i + by;
  if (j < 0 || j >= list.length) return list;
  const out = list.slice();
  [out[i], out[j]] = [out[j], out[i]];
  return out;
}
