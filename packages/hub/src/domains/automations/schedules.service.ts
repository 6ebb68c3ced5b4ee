import type { AutomationStep, Schedule, ScheduleInput, ScheduleOccurrence } from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import { Conflict, NotFound, ValidationError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { reachInside, type ScopeGroups } from '../../platform/scope-reach.js';
import type { Actor, AuditLog } from '../audit/index.js';
import type { AutomationsService } from './automations.service.js';
import type { AutomationsStore, StoredAutomation, StoredSchedule } from './automations.store.js';
import { cronOf, nextOccurrences } from './cron-times.js';
import type { RunEngine } from './run-engine.js';

// Scheduled operations are automations under the hood: a schedule is stored as itself (what the
// operator asked for, for the calendar) and as an automation named `schedule.<name>` with a cron
// trigger (or, for a one-off, a manual trigger the tick fires at its time), one step and the
// offline and maintenance-window guards. Runs, history and audit are the automation's.

export interface SchedulesService {
  list(scope: ScopeGroups): Promise<Schedule[]>;
  create(actor: Actor, scope: ScopeGroups, input: ScheduleInput): Promise<Schedule>;
  remove(actor: Actor, scope: ScopeGroups, id: string): Promise<void>;
  upcoming(scope: ScopeGroups, limit: number): Promise<ScheduleOccurrence[]>;
  /** Starts the runs of one-off schedules whose time has come. */
  tick(): Promise<void>;
}

export interface SchedulesDeps {
  store: AutomationsStore;
  automations: AutomationsService;
  engine: RunEngine;
  audit: AuditLog;
  clock: Clock;
}

type StoredSpec = Omit<ScheduleInput, 'otp' | 'name'>;

export const SCHEDULE_PREFIX = 'schedule.';

function stepOf(input: StoredSpec): AutomationStep {
  const timeoutS = input.timeoutS;
  const a = input.action;
  const base = timeoutS ? { timeoutS } : {};
  if (a.type === 'reboot') return { type: 'reboot', ...base };
  if (a.type === 'command') return { type: 'command', name: a.name, ...(a.args ? { args: a.args } : {}), ...base };
  if (a.type === 'config_override') return { type: 'config_override', values: a.values, ...base };
  return { type: 'enforce_template', templateId: a.templateId, ...base };
}

function targetText(s: StoredSpec): string {
  if (s.deviceId) return `device ${s.deviceId}`;
  const parts = [s.group ? `group ${s.group}` : null, s.filter ? `filter ${s.filter}` : null].filter(Boolean);
  return parts.join(', ') || 'every device';
}

export function createSchedulesService(d: SchedulesDeps): SchedulesService {
  function view(s: StoredSchedule): Schedule {
    const spec = s.spec as StoredSpec;
    return {
      id: s.id,
      name: s.name,
      action: spec.action,
      at: spec.at ?? null,
      cron: spec.cron ?? null,
      timezone: spec.timezone ?? null,
      deviceId: spec.deviceId ?? null,
      group: spec.group ?? null,
      filter: spec.filter ?? null,
      pickUpOffline: spec.pickUpOffline ?? false,
      automationId: s.automationId,
      createdBy: s.createdBy,
      createdAt: s.createdAt,
    };
  }

  async function visible(scope: ScopeGroups): Promise<Array<{ s: StoredSchedule; a: StoredAutomation }>> {
    const out: Array<{ s: StoredSchedule; a: StoredAutomation }> = [];
    for (const s of await d.store.schedules()) {
      const a = await d.store.byId(s.automationId);
      if (!a) continue;
      const group = a.spec.target.kind === 'devices' ? (a.spec.target.group ?? null) : null;
      if (reachInside(scope, { group, within: a.within })) out.push({ s, a });
    }
    return out;
  }

  function checkTime(input: ScheduleInput): void {
    if (!!input.at === !!input.cron)
      throw new ValidationError('a schedule runs once (at) or repeatedly (cron with timezone): give one', {
        path: '/at',
      });
    if (input.cron) cronOf(input.cron, input.timezone ?? 'UTC', '');
    if (input.at) {
      const t = Date.parse(input.at);
      if (Number.isNaN(t)) throw new ValidationError('at must be an ISO-8601 date-time', { path: '/at' });
      if (t <= d.clock.now().getTime()) throw new ValidationError('at lies in the past', { path: '/at' });
    }
    if (input.deviceId && (input.group || input.filter))
      throw new ValidationError('a schedule targets one device, or a group and/or a filter', { path: '/deviceId' });
  }

  async function create(actor: Actor, scope: ScopeGroups, input: ScheduleInput): Promise<Schedule> {
    checkTime(input);
    const { otp: _otp, name, ...spec } = input;
    const exists = (await d.store.schedules()).some((s) => s.name === name);
    if (exists) throw new Conflict(`a schedule named "${name}" exists already`);
    const id = newId('sch');
    const filter = spec.deviceId ? `id = ${JSON.stringify(spec.deviceId)}` : spec.filter;
    const a = await d.automations.create(
      actor,
      scope,
      {
        name: `${SCHEDULE_PREFIX}${name}`,
        description: `Scheduled ${spec.action.type} on ${targetText(spec)}`,
        trigger: spec.cron ? { kind: 'cron', cron: spec.cron, timezone: spec.timezone ?? 'UTC' } : { kind: 'manual' },
        target: { kind: 'devices', ...(spec.group ? { group: spec.group } : {}), ...(filter ? { filter } : {}) },
        steps: [stepOf(spec)],
        guards: {
          maxDevices: 100_000,
          maxConcurrent: 200,
          cooldownMin: 0,
          offline: spec.pickUpOffline ? 'pick_up' : 'skip',
          ...(spec.pickUpWithinMin ? { pickUpWithinMin: spec.pickUpWithinMin } : {}),
          ...(spec.maintenanceWindow ? { maintenanceWindow: spec.maintenanceWindow } : {}),
        },
      },
      id,
    );
    const stored: StoredSchedule = {
      id,
      name,
      spec,
      automationId: a.id,
      createdBy: actor.id,
      createdAt: d.clock.now().toISOString(),
    };
    await d.store.insertSchedule(stored);
    await d.audit.record({
      actor,
      action: 'schedule.create',
      target: `schedule:${name}`,
      details: {
        action: spec.action.type,
        at: spec.at,
        cron: spec.cron,
        timezone: spec.timezone,
        target: targetText(spec),
      },
    });
    return view(stored);
  }

  async function remove(actor: Actor, scope: ScopeGroups, id: string): Promise<void> {
    const found = (await visible(scope)).find((x) => x.s.id === id);
    if (!found) throw new NotFound('schedule', id);
    // The automation stays, disabled, so its runs keep their history.
    await d.automations.setEnabled(actor, scope, found.a.name, false);
    await d.store.deleteSchedule(id);
    await d.audit.record({ actor, action: 'schedule.delete', target: `schedule:${found.s.name}` });
  }

  async function upcoming(scope: ScopeGroups, limit: number): Promise<ScheduleOccurrence[]> {
    const now = d.clock.now();
    const all: ScheduleOccurrence[] = [];
    for (const { s } of await visible(scope)) {
      const spec = s.spec as StoredSpec;
      const base = { scheduleId: s.id, name: s.name, action: spec.action.type, target: targetText(spec) };
      if (spec.at && Date.parse(spec.at) > now.getTime()) all.push({ ...base, at: new Date(spec.at).toISOString() });
      if (spec.cron)
        for (const t of nextOccurrences(spec.cron, spec.timezone ?? 'UTC', now, limit))
          all.push({ ...base, at: t.toISOString() });
    }
    return all.sort((x, y) => x.at.localeCompare(y.at) || x.name.localeCompare(y.name)).slice(0, limit);
  }

  // One-off schedules already fired (or found fired): not looked up again.
  const done = new Set<string>();
  async function tick(): Promise<void> {
    const now = d.clock.now().getTime();
    for (const s of await d.store.schedules()) {
      const spec = s.spec as StoredSpec;
      if (!spec.at || Date.parse(spec.at) > now || done.has(s.id)) continue;
      done.add(s.id);
      const a = await d.store.byId(s.automationId);
      if (!a?.enabled) continue;
      if (!(await d.store.fire(a.id, `once:${spec.at}`, new Date(now).toISOString()))) continue;
      await d.engine.start(a, { kind: 'schedule', detail: spec.at }, { type: 'system', id: `schedule:${s.name}` });
    }
  }

  return { list: async (scope) => (await visible(scope)).map(({ s }) => view(s)), create, remove, upcoming, tick };
}
