import type { RolloutInput } from '@outpost/protocol';
import type { Actor } from '../audit/index.js';
import type { AutomationConfigs, AutomationRollouts, RolloutState, SourceCompliance } from './automation-ports.js';
import type { automationsWorld, createManualClock } from './automations.fixture.js';

// The configs and updates domains as the configuration and rollout steps see them: overrides,
// templates and compliance the test sets, and rollouts kept in memory. Every call is counted.

export interface FakeConfigs extends AutomationConfigs {
  values: Map<string, Record<string, unknown>>;
  applied: Array<{ actor: Actor; deviceId: string; values: Record<string, unknown> }>;
  pushed: Array<{ actor: Actor; deviceId: string }>;
  /** Compliance by `device|source` (source: a template name or 'device override'). */
  states: Map<string, SourceCompliance>;
  /** Templates by name, with the devices each applies to. */
  templates: Map<string, { id: string; devices: string[] }>;
  /** The device answers with its new state: compliant with every source. */
  report(deviceId: string, state?: SourceCompliance['state']): void;
}

export function fakeConfigs(): FakeConfigs {
  const f: FakeConfigs = {
    values: new Map(),
    applied: [],
    pushed: [],
    states: new Map(),
    templates: new Map(),
    report(deviceId, state = 'compliant') {
      for (const k of f.states.keys()) if (k.startsWith(`${deviceId}|`)) f.states.set(k, { state, reason: null });
    },
    async applyOverrides(actor, deviceId, values) {
      // As the model schema would: ssh.port is a number.
      if ('ssh.port' in values && values['ssh.port'] !== null && typeof values['ssh.port'] !== 'number')
        throw new Error('setting "ssh.port" does not match the model\'s schema: must be a number');
      f.applied.push({ actor, deviceId, values });
      const now = { ...(f.values.get(deviceId) ?? {}) };
      for (const [k, v] of Object.entries(values))
        if (v === null) delete now[k];
        else now[k] = v;
      f.values.set(deviceId, now);
      f.states.set(`${deviceId}|device override`, { state: 'pending', reason: null });
    },
    async overrides(deviceId) {
      return { ...(f.values.get(deviceId) ?? {}) };
    },
    async templateName(nameOrId) {
      for (const [name, t] of f.templates) if (name === nameOrId || t.id === nameOrId) return name;
      return null;
    },
    async enforce(actor, deviceId) {
      f.pushed.push({ actor, deviceId });
      for (const [name, t] of f.templates)
        if (t.devices.includes(deviceId)) f.states.set(`${deviceId}|${name}`, { state: 'pending', reason: null });
    },
    async compliance(deviceId, template) {
      if (template !== null) {
        if (!f.templates.get(template)?.devices.includes(deviceId)) return null;
        return f.states.get(`${deviceId}|${template}`) ?? { state: 'drifted', reason: null };
      }
      return f.states.get(`${deviceId}|device override`) ?? null;
    },
  };
  return f;
}

export interface FakeRollouts extends AutomationRollouts {
  created: Array<{ actor: Actor; input: RolloutInput; id: string }>;
  rollouts: Map<string, RolloutState & { name: string }>;
  /** Refuses creation with this message (as the updates domain refuses an unsigned artifact). */
  refuse: string | null;
}

export function fakeRollouts(): FakeRollouts {
  const f: FakeRollouts = {
    created: [],
    rollouts: new Map(),
    refuse: null,
    async create(actor, input) {
      if (f.refuse) throw new Error(f.refuse);
      const id = `rol_${f.created.length + 1}`;
      f.created.push({ actor, input, id });
      const r = { id, name: input.name, state: input.start === false ? 'draft' : 'running', reason: null };
      f.rollouts.set(id, r);
      return { id, state: r.state, reason: null };
    },
    async byName(name) {
      const r = [...f.rollouts.values()].find((x) => x.name === name);
      return r ? { id: r.id, state: r.state, reason: r.reason } : null;
    },
    async get(id) {
      const r = f.rollouts.get(id);
      return r ? { id: r.id, state: r.state, reason: r.reason } : null;
    },
  };
  return f;
}

/** `n` engine ticks, the clock a second on after each. */
export async function ticks(
  w: ReturnType<typeof automationsWorld>,
  clock: ReturnType<typeof createManualClock>,
  n = 3,
): Promise<void> {
  for (let i = 0; i < n; i++) {
    await w.tick();
    await clock.advance(1000);
  }
}

/**
 * What a hub leaves behind when it stops just after writing a device's first step as sent: the
 * device running, its step `sent` under the engine's reference, due within `deadlineMs`.
 */
export function leftSent(
  w: ReturnType<typeof automationsWorld>,
  runId: string,
  deviceId: string,
  now: Date,
  deadlineMs: number,
): Promise<boolean> {
  return w.store.moveDevice(
    runId,
    deviceId,
    { stepIndex: 0, stepState: 'ready' },
    {
      state: 'running',
      startedAt: now.toISOString(),
      stepState: 'sent',
      stepRef: `${runId}/${deviceId}/0`,
      stepStartedAt: now.toISOString(),
      stepDeadline: new Date(now.getTime() + deadlineMs).toISOString(),
    },
  );
}
