import type {
  Automation,
  AutomationChange,
  AutomationInput,
  AutomationRun,
  AutomationRunDevice,
} from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import { Conflict, NotFound, ValidationError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import {
  claimReach,
  hiddenOutsideScope,
  reachInside,
  type Reach,
  type ScopeGroups,
} from '../../platform/scope-reach.js';
import type { Actor, AuditLog } from '../audit/index.js';
import { checkSpec, isDangerousStep, type AutomationSpec } from './automation-spec.js';
import type { AutomationDevices } from './automation-ports.js';
import type { AutomationsStore, RunDeviceRow, StoredAutomation, StoredRun } from './automations.store.js';
import type { RunEngine, RunTrigger } from './run-engine.js';

export interface AutomationsService {
  list(scope: ScopeGroups): Promise<Automation[]>;
  get(scope: ScopeGroups, name: string, version?: number): Promise<Automation>;
  create(actor: Actor, scope: ScopeGroups, input: AutomationInput, scheduleId?: string | null): Promise<Automation>;
  change(actor: Actor, scope: ScopeGroups, name: string, input: AutomationChange): Promise<Automation>;
  setEnabled(actor: Actor, scope: ScopeGroups, name: string, enabled: boolean): Promise<Automation>;
  run(
    actor: Actor,
    scope: ScopeGroups,
    name: string,
    o: { dryRun?: boolean; deviceId?: string },
  ): Promise<AutomationRun>;
  runs(scope: ScopeGroups, name: string, limit: number): Promise<AutomationRun[]>;
  runShow(scope: ScopeGroups, id: string): Promise<AutomationRun>;
  runDevices(scope: ScopeGroups, id: string, q: { state?: string; limit: number }): Promise<AutomationRunDevice[]>;
  approve(actor: Actor, scope: ScopeGroups, id: string): Promise<AutomationRun>;
  cancel(actor: Actor, scope: ScopeGroups, id: string): Promise<AutomationRun>;
}

export interface AutomationsServiceDeps {
  store: AutomationsStore;
  engine: RunEngine;
  devices: Pick<AutomationDevices, 'validateFilter'>;
  channelExists(id: string): Promise<boolean>;
  audit: AuditLog;
  clock: Clock;
}

/** True when creating or changing this document asks for a fresh second factor. */
export function needsStepUp(input: Pick<AutomationChange, 'steps'>): boolean {
  return input.steps.some(isDangerousStep);
}

function view(a: StoredAutomation, spec: AutomationSpec = a.spec, version = a.version): Automation {
  return {
    id: a.id,
    name: a.name,
    version,
    enabled: a.enabled,
    description: spec.description,
    trigger: spec.trigger,
    target: spec.target,
    steps: spec.steps,
    guards: spec.guards,
    scheduleId: a.scheduleId,
    createdBy: a.createdBy,
    updatedAt: a.updatedAt,
  };
}

function deviceView(r: RunDeviceRow): AutomationRunDevice {
  return {
    runId: r.runId,
    deviceId: r.deviceId,
    state: r.state,
    stepIndex: r.stepIndex,
    reason: r.reason,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    steps: r.results,
  };
}

export function createAutomationsService(d: AutomationsServiceDeps): AutomationsService {
  const reachOf = (a: StoredAutomation) => ({
    group: a.spec.target.kind === 'devices' ? (a.spec.target.group ?? null) : null,
    filter: a.spec.target.kind === 'devices' ? (a.spec.target.filter ?? null) : null,
    within: a.within,
  });

  async function visible(scope: ScopeGroups, name: string): Promise<StoredAutomation> {
    const a = await d.store.byName(name);
    if (!a) throw new NotFound('automation', name);
    return hiddenOutsideScope(scope, reachOf(a), 'automation', name, a);
  }

  async function checked(input: AutomationChange): Promise<AutomationSpec> {
    const spec = checkSpec(input);
    if (spec.target.kind === 'devices' && spec.target.filter) await d.devices.validateFilter(spec.target.filter);
    const t = spec.trigger;
    if ('watch' in t && t.watch) await d.devices.validateFilter(t.watch);
    for (const [i, s] of spec.steps.entries())
      if (s.type === 'notify' && !(await d.channelExists(s.channelId)))
        throw new ValidationError(`notification channel "${s.channelId}" does not exist`, {
          path: `/steps/${i}/channelId`,
        });
    return spec;
  }

  /** The reach a scoped maker may give: a group inside its scope; its groups kept to narrow filters. */
  function within(scope: ScopeGroups, spec: AutomationSpec): string[] | null {
    const group = spec.target.kind === 'devices' ? (spec.target.group ?? null) : null;
    const claimed: Reach = claimReach(scope, { group, within: null }, 'this automation');
    const groups = claimed.within ?? [];
    return groups.length > 0 ? [...groups] : null;
  }

  async function create(actor: Actor, scope: ScopeGroups, input: AutomationInput, scheduleId: string | null = null) {
    const spec = await checked(input);
    if (await d.store.byName(input.name)) throw new Conflict(`an automation named "${input.name}" exists already`);
    const at = d.clock.now().toISOString();
    const a: StoredAutomation = {
      id: newId('aut'),
      name: input.name,
      version: 1,
      enabled: input.enabled ?? true,
      spec,
      within: within(scope, spec),
      scheduleId,
      createdBy: actor.id,
      createdAt: at,
      updatedAt: at,
    };
    await d.store.insertAutomation(a);
    await d.audit.record({
      actor,
      action: 'automation.create',
      target: `automation:${a.name}`,
      details: { version: 1, trigger: spec.trigger.kind, steps: spec.steps.map((s) => s.type) },
    });
    return view(a);
  }

  async function change(actor: Actor, scope: ScopeGroups, name: string, input: AutomationChange) {
    const a = await visible(scope, name);
    const spec = await checked(input);
    const at = d.clock.now().toISOString();
    const enabled = input.enabled ?? a.enabled;
    const w = within(scope, spec);
    if (!(await d.store.newVersion(a.id, a.version, { spec, enabled, within: w, by: actor.id, at })))
      throw new Conflict(`automation "${name}" changed meanwhile; read it again`);
    await d.audit.record({
      actor,
      action: 'automation.change',
      target: `automation:${name}`,
      details: { version: a.version + 1, trigger: spec.trigger.kind, steps: spec.steps.map((s) => s.type) },
    });
    return view({ ...a, spec, enabled, within: w, version: a.version + 1, updatedAt: at });
  }

  async function setEnabled(actor: Actor, scope: ScopeGroups, name: string, enabled: boolean) {
    const a = await visible(scope, name);
    if (a.enabled === enabled) return view(a);
    const at = d.clock.now().toISOString();
    const ok = await d.store.newVersion(a.id, a.version, { spec: a.spec, enabled, within: a.within, by: actor.id, at });
    if (!ok) throw new Conflict(`automation "${name}" changed meanwhile; try again`);
    await d.audit.record({
      actor,
      action: enabled ? 'automation.enable' : 'automation.disable',
      target: `automation:${name}`,
      details: { version: a.version + 1 },
    });
    return view({ ...a, enabled, version: a.version + 1, updatedAt: at });
  }

  async function runView(r: StoredRun, name?: string): Promise<AutomationRun> {
    const { devicesTotal: _total, ...rest } = r;
    return {
      ...rest,
      automationName: name ?? (await d.store.byId(r.automationId))?.name ?? r.automationId,
      counts: await d.store.deviceCounts(r.id),
    };
  }

  async function run(actor: Actor, scope: ScopeGroups, name: string, o: { dryRun?: boolean; deviceId?: string }) {
    const a = await visible(scope, name);
    if (!a.enabled && !o.dryRun) throw new Conflict(`automation "${name}" is disabled; enable it first`);
    const trigger: RunTrigger = { kind: 'manual', ...(o.deviceId ? { deviceId: o.deviceId } : {}) };
    if (o.dryRun) {
      const p = await d.engine.plan(a, trigger);
      if (p.refused) throw new ValidationError(p.refused);
      return {
        id: 'dry-run',
        automationId: a.id,
        automationName: a.name,
        version: a.version,
        state: 'succeeded',
        trigger,
        dryRun: true,
        startedBy: actor.id,
        createdAt: d.clock.now().toISOString(),
        finishedAt: null,
        counts: { queued: p.devices.length, skipped: p.skipped.length },
        devices: p.devices,
        skipped: p.skipped,
      } as AutomationRun;
    }
    const r = await d.engine.start(a, trigger, actor);
    if (r.state === 'failed' && r.trigger.detail) throw new ValidationError(r.trigger.detail, { runId: r.id });
    return runView(r, a.name);
  }

  async function visibleRun(scope: ScopeGroups, id: string) {
    const r = await d.store.run(id);
    const a = r ? await d.store.byId(r.automationId) : null;
    if (!r || !a || !reachInside(scope, reachOf(a))) throw new NotFound('automation run', id);
    return { r, a };
  }

  async function approve(actor: Actor, scope: ScopeGroups, id: string) {
    const { r, a } = await visibleRun(scope, id);
    if (!(await d.store.setRunState(id, ['awaiting_approval'], 'running', null)))
      throw new Conflict(`run "${id}" is ${r.state}, not awaiting approval`);
    await d.audit.record({
      actor,
      action: 'automation.run.approve',
      target: `automation:${a.name}`,
      details: { runId: id, version: r.version },
    });
    return runView({ ...r, state: 'running' }, a.name);
  }

  async function cancel(actor: Actor, scope: ScopeGroups, id: string) {
    const { r, a } = await visibleRun(scope, id);
    const at = d.clock.now().toISOString();
    if (!(await d.store.setRunState(id, ['awaiting_approval', 'running'], 'canceled', at)))
      throw new Conflict(`run "${id}" is ${r.state} already`);
    // A step already sent keeps going on its device; nothing further is sent.
    await d.store.finishActive(id, 'skipped', `run canceled by ${actor.id}`, at);
    await d.audit.record({
      actor,
      action: 'automation.run.cancel',
      target: `automation:${a.name}`,
      details: { runId: id, version: r.version },
    });
    return runView({ ...r, state: 'canceled', finishedAt: at }, a.name);
  }

  return {
    async list(scope) {
      return (await d.store.list()).filter((a) => reachInside(scope, reachOf(a))).map((a) => view(a));
    },
    async get(scope, name, version) {
      const a = await visible(scope, name);
      if (version === undefined || version === a.version) return view(a);
      const spec = await d.store.versionSpec(a.id, version);
      if (!spec) throw new NotFound('automation version', `${name}@${version}`);
      return view(a, spec, version);
    },
    create,
    change,
    setEnabled,
    run,
    async runs(scope, name, limit) {
      const a = await visible(scope, name);
      return Promise.all((await d.store.runsOf(a.id, limit)).map((r) => runView(r, a.name)));
    },
    async runShow(scope, id) {
      const { r, a } = await visibleRun(scope, id);
      return runView(r, a.name);
    },
    async runDevices(scope, id, q) {
      await visibleRun(scope, id);
      return (await d.store.runDevices(id, q)).map(deviceView);
    },
    approve,
    cancel,
  };
}
