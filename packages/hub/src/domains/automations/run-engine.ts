import type { AutomationRun, RunState } from '@outpost/protocol';
import { newId } from '../../platform/ids.js';
import type { Actor } from '../audit/index.js';
import type { AutomationSpec } from './automation-spec.js';
import type { DeviceState, EngineDeps } from './automation-ports.js';
import type { RunDeviceRow, StoredAutomation, StoredRun } from './automations.store.js';
import { inWindow } from './cron-times.js';
import { createStepRunner, type RunContext } from './step-runner.js';

// Runs: who a run acts on (target, scope, guards), then each device through the steps, moved by
// the hub's scheduler (`automations.tick`) from what is stored, so a restarted hub carries on.

/** What started a run. */
export interface RunTrigger {
  kind: string;
  deviceId?: string;
  detail?: string;
}

export interface RunPlan {
  devices: string[];
  skipped: Array<{ deviceId: string; reason: string }>;
  refused: string | null;
}

const DEFAULT_PICK_UP_MIN = 24 * 60;
const PARALLEL = 32;

/** The filter text a `devices` target stands for: its group and its filter, both when given. */
export function targetFilter(spec: AutomationSpec): string | null {
  if (spec.target.kind !== 'devices') return null;
  const parts: string[] = [];
  if (spec.target.group) parts.push(`group = ${JSON.stringify(spec.target.group)}`);
  if (spec.target.filter?.trim()) parts.push(`(${spec.target.filter})`);
  return parts.length ? parts.join(' and ') : null;
}

export function createRunEngine(d: EngineDeps) {
  const steps = createStepRunner(d);
  const specs = new Map<string, AutomationSpec>();
  const names = new Map<string, string>();

  async function specOf(run: StoredRun): Promise<AutomationSpec | null> {
    const key = `${run.automationId}@${run.version}`;
    const cached = specs.get(key);
    if (cached) return cached;
    const spec = await d.store.versionSpec(run.automationId, run.version);
    if (spec) specs.set(key, spec);
    return spec;
  }

  async function nameOf(automationId: string): Promise<string> {
    const cached = names.get(automationId);
    if (cached) return cached;
    const name = (await d.store.byId(automationId))?.name ?? automationId;
    names.set(automationId, name);
    return name;
  }

  /** The devices a run would act on now, those its guards hold back, or why it would not run at all. */
  async function plan(a: StoredAutomation, trigger: RunTrigger): Promise<RunPlan> {
    const g = a.spec.guards;
    let ids: string[];
    if (a.spec.target.kind === 'trigger_device') {
      if (!trigger.deviceId)
        return { devices: [], skipped: [], refused: 'this automation acts on the device that triggers it: name one' };
      ids = await d.devices.select(null, a.within, 1, [trigger.deviceId]);
      if (ids.length === 0)
        return { devices: [], skipped: [], refused: `device "${trigger.deviceId}" is not in this automation's reach` };
    } else {
      ids = await d.devices.select(targetFilter(a.spec), a.within, g.maxDevices + 1);
      if (ids.length > g.maxDevices)
        return {
          devices: [],
          skipped: [],
          refused: `the target holds more than ${g.maxDevices} devices (guards.maxDevices)`,
        };
    }
    const now = d.clock.now().getTime();
    const skipped: RunPlan['skipped'] = [];
    const cooled = g.cooldownMin > 0 ? await d.store.cooldowns(a.id, ids) : new Map<string, string>();
    const busy = await d.store.busyDevices(a.id, ids);
    const devices = ids.filter((id) => {
      const last = cooled.get(id);
      if (last && Date.parse(last) + g.cooldownMin * 60_000 > now) {
        const again = new Date(Date.parse(last) + g.cooldownMin * 60_000).toISOString();
        skipped.push({ deviceId: id, reason: `cool-down: acted on at ${last}, not again before ${again}` });
        return false;
      }
      if (busy.has(id)) {
        skipped.push({ deviceId: id, reason: 'already in a run of this automation' });
        return false;
      }
      return true;
    });
    return { devices, skipped, refused: null };
  }

  function rowOf(runId: string, deviceId: string, skippedReason?: string): RunDeviceRow {
    const at = d.clock.now().toISOString();
    return {
      runId,
      deviceId,
      state: skippedReason ? 'skipped' : 'queued',
      stepIndex: 0,
      stepState: 'ready',
      stepStartedAt: null,
      stepDeadline: null,
      stepRef: null,
      results: [],
      reason: skippedReason ?? null,
      startedAt: null,
      finishedAt: skippedReason ? at : null,
      pickUpUntil: null,
    };
  }

  /** Stores a run (or the refusal of one) and its devices; the tick takes it from there. */
  async function start(a: StoredAutomation, trigger: RunTrigger, actor: Actor): Promise<StoredRun> {
    const p = await plan(a, trigger);
    const now = d.clock.now().toISOString();
    const approval = a.spec.guards.approvalAbove;
    const state: RunState = p.refused
      ? 'failed'
      : approval !== undefined && p.devices.length > approval
        ? 'awaiting_approval'
        : 'running';
    const run: StoredRun = {
      id: newId('run'),
      automationId: a.id,
      version: a.version,
      state,
      trigger: { ...trigger, ...(p.refused ? { detail: p.refused } : {}) },
      dryRun: false,
      startedBy: actor.id,
      createdAt: now,
      finishedAt: p.refused ? now : null,
      devicesTotal: p.devices.length + p.skipped.length,
    };
    const rows = [
      ...p.devices.map((id) => rowOf(run.id, id)),
      ...p.skipped.map((s) => rowOf(run.id, s.deviceId, s.reason)),
    ];
    await d.store.insertRun(run, rows);
    await d.audit.record({
      actor,
      action: 'automation.run',
      target: `automation:${a.name}`,
      outcome: p.refused ? 'failed' : 'ok',
      details: {
        version: a.version,
        runId: run.id,
        trigger: trigger.kind,
        ...(trigger.deviceId ? { deviceId: trigger.deviceId } : {}),
        devices: p.devices.length,
        skipped: p.skipped.length,
        state,
        ...(p.refused ? { reason: p.refused } : {}),
      },
    });
    return run;
  }

  function contextOf(run: StoredRun, spec: AutomationSpec, name: string): RunContext {
    return {
      runId: run.id,
      automationId: run.automationId,
      automationName: name,
      version: run.version,
      spec,
      actor: { type: 'system', id: `automation:${name}` },
    };
  }

  /** Lets queued devices start as far as the guards allow: window, concurrency, rate, presence. */
  async function admit(
    ctx: RunContext,
    rows: RunDeviceRow[],
    states: Map<string, DeviceState>,
  ): Promise<RunDeviceRow[]> {
    const g = ctx.spec.guards;
    const now = d.clock.now();
    const nowIso = now.toISOString();
    if (!inWindow(g.maintenanceWindow, now)) return [];
    let room = g.maxConcurrent - rows.filter((r) => r.state === 'running').length;
    if (g.perMinute !== undefined) {
      const recent = await d.store.startedSince(ctx.runId, new Date(now.getTime() - 60_000).toISOString());
      room = Math.min(room, g.perMinute - recent);
    }
    const started: RunDeviceRow[] = [];
    for (const r of rows) {
      if (room <= 0) break;
      if (r.state !== 'queued' && r.state !== 'waiting_online') continue;
      const online = states.get(r.deviceId)?.presence === 'online';
      const expect = { stepIndex: 0, stepState: 'ready', state: r.state };
      if (!online && g.offline !== 'proceed') {
        if (r.state === 'waiting_online') {
          if (r.pickUpUntil && Date.parse(r.pickUpUntil) <= now.getTime())
            await d.store.moveDevice(r.runId, r.deviceId, expect, {
              state: 'skipped',
              reason: `offline, and not back within ${g.pickUpWithinMin ?? DEFAULT_PICK_UP_MIN} min`,
              finishedAt: nowIso,
            });
        } else if (g.offline === 'skip') {
          await d.store.moveDevice(r.runId, r.deviceId, expect, {
            state: 'skipped',
            reason: 'offline when its turn came',
            finishedAt: nowIso,
          });
        } else {
          const until = new Date(now.getTime() + (g.pickUpWithinMin ?? DEFAULT_PICK_UP_MIN) * 60_000).toISOString();
          await d.store.moveDevice(r.runId, r.deviceId, expect, {
            state: 'waiting_online',
            reason: 'offline; taken up when it returns',
            pickUpUntil: until,
          });
        }
        continue;
      }
      const patch = { state: 'running' as const, startedAt: nowIso, reason: null };
      if (!(await d.store.moveDevice(r.runId, r.deviceId, expect, patch))) continue;
      await d.store.touchCooldowns(ctx.automationId, [r.deviceId], nowIso);
      started.push({ ...r, ...patch });
      room--;
    }
    return started;
  }

  async function inParallel<T>(items: T[], fn: (t: T) => Promise<void>): Promise<void> {
    for (let i = 0; i < items.length; i += PARALLEL)
      await Promise.all(
        items
          .slice(i, i + PARALLEL)
          .map((t) => fn(t).catch((err: unknown) => d.logger.warn({ err }, 'automation step could not move'))),
      );
  }

  async function advance(run: StoredRun): Promise<void> {
    const spec = await specOf(run);
    if (!spec) return;
    const ctx = contextOf(run, spec, await nameOf(run.automationId));
    const rows = await d.store.activeDevices(run.id);
    if (rows.length === 0) return finalize(ctx, run);
    const states = await d.devices.states(rows.map((r) => r.deviceId));
    const started = await admit(ctx, rows, states);
    const running = [...rows.filter((r) => r.state === 'running'), ...started];
    await inParallel(running, (r) =>
      r.stepState === 'ready'
        ? steps.start(ctx, r, spec.steps[r.stepIndex], states.get(r.deviceId))
        : steps.poll(ctx, r, states.get(r.deviceId)),
    );
    if (running.length > 0 && (await d.store.activeDevices(run.id)).length === 0) await finalize(ctx, run);
  }

  async function finalize(ctx: RunContext, run: StoredRun): Promise<void> {
    const counts = await d.store.deviceCounts(run.id);
    const failed = counts.failed ?? 0;
    const state: RunState = failed === 0 ? 'succeeded' : (counts.succeeded ?? 0) > 0 ? 'partial' : 'failed';
    if (!(await d.store.setRunState(run.id, ['running'], state, d.clock.now().toISOString()))) return;
    await d.audit.record({
      actor: ctx.actor,
      action: 'automation.run.finished',
      target: `automation:${ctx.automationName}`,
      outcome: state === 'succeeded' ? 'ok' : 'failed',
      details: { version: run.version, runId: run.id, state, counts },
    });
  }

  /** One pass over every running run; a device's step moves at most one stage per pass. */
  async function tick(): Promise<void> {
    for (const run of await d.store.runsInState(['running'])) await advance(run);
  }

  return { plan, start, tick, advance };
}

export type RunEngine = ReturnType<typeof createRunEngine>;
export type { AutomationRun };
