import type { AutomationRun, AutomationRunDevice, RunDeviceState, RunState, StepResult } from '@outpost/protocol';
import type { Db } from '../../storage/database.js';
import type { AutomationRunDevicesTable, AutomationsTable, SchedulesTable } from './automations.tables.js';
import type { AutomationSpec } from './automation-spec.js';

export interface StoredAutomation {
  id: string;
  name: string;
  version: number;
  enabled: boolean;
  spec: AutomationSpec;
  within: string[] | null;
  scheduleId: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export type StoredRun = Omit<AutomationRun, 'automationName' | 'counts' | 'devices'> & { devicesTotal: number };

/** One device's row in a run, as the engine reads and moves it. */
export interface RunDeviceRow {
  runId: string;
  deviceId: string;
  state: RunDeviceState;
  stepIndex: number;
  stepState: 'ready' | 'sent' | 'waiting';
  stepStartedAt: string | null;
  stepDeadline: string | null;
  stepRef: string | null;
  results: StepResult[];
  reason: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  pickUpUntil: string | null;
}

export type RunDevicePatch = Partial<Omit<RunDeviceRow, 'runId' | 'deviceId'>>;

export interface StoredSchedule {
  id: string;
  name: string;
  spec: unknown;
  automationId: string;
  createdBy: string;
  createdAt: string;
}

const ACTIVE_DEVICE_STATES = ['queued', 'waiting_online', 'running'];

function toAutomation(r: AutomationsTable): StoredAutomation {
  return {
    id: r.id,
    name: r.name,
    version: Number(r.version),
    enabled: Number(r.enabled) === 1,
    spec: JSON.parse(r.spec_json) as AutomationSpec,
    within: r.within_json ? (JSON.parse(r.within_json) as string[]) : null,
    scheduleId: r.schedule_id,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toRunDevice(r: AutomationRunDevicesTable): RunDeviceRow {
  return {
    runId: r.run_id,
    deviceId: r.device_id,
    state: r.state as RunDeviceState,
    stepIndex: Number(r.step_index),
    stepState: r.step_state as RunDeviceRow['stepState'],
    stepStartedAt: r.step_started_at,
    stepDeadline: r.step_deadline,
    stepRef: r.step_ref,
    results: JSON.parse(r.results_json) as StepResult[],
    reason: r.reason,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    pickUpUntil: r.pick_up_until,
  };
}

function patchColumns(p: RunDevicePatch): Partial<AutomationRunDevicesTable> {
  const c: Partial<AutomationRunDevicesTable> = {};
  if (p.state !== undefined) c.state = p.state;
  if (p.stepIndex !== undefined) c.step_index = p.stepIndex;
  if (p.stepState !== undefined) c.step_state = p.stepState;
  if (p.stepStartedAt !== undefined) c.step_started_at = p.stepStartedAt;
  if (p.stepDeadline !== undefined) c.step_deadline = p.stepDeadline;
  if (p.stepRef !== undefined) c.step_ref = p.stepRef;
  if (p.results !== undefined) c.results_json = JSON.stringify(p.results);
  if (p.reason !== undefined) c.reason = p.reason;
  if (p.startedAt !== undefined) c.started_at = p.startedAt;
  if (p.finishedAt !== undefined) c.finished_at = p.finishedAt;
  if (p.pickUpUntil !== undefined) c.pick_up_until = p.pickUpUntil;
  return c;
}

export interface AutomationsStore {
  insertAutomation(a: StoredAutomation): Promise<void>;
  /** Stores `spec` as the next version, only if the stored version is still `fromVersion`. */
  newVersion(
    id: string,
    fromVersion: number,
    change: {
      spec: AutomationSpec;
      enabled: boolean;
      within: string[] | null;
      by: string;
      at: string;
    },
  ): Promise<boolean>;
  byName(name: string): Promise<StoredAutomation | null>;
  byId(id: string): Promise<StoredAutomation | null>;
  list(): Promise<StoredAutomation[]>;
  enabled(): Promise<StoredAutomation[]>;
  versionSpec(id: string, version: number): Promise<AutomationSpec | null>;
  deleteAutomation(id: string): Promise<void>;
  /** A run and its devices in one transaction. */
  insertRun(run: StoredRun, devices: RunDeviceRow[]): Promise<void>;
  run(id: string): Promise<StoredRun | null>;
  runsOf(automationId: string, limit: number): Promise<StoredRun[]>;
  runsInState(states: RunState[]): Promise<StoredRun[]>;
  setRunState(id: string, from: RunState[], state: RunState, finishedAt: string | null): Promise<boolean>;
  deviceCounts(runId: string): Promise<Record<string, number>>;
  activeDevices(runId: string): Promise<RunDeviceRow[]>;
  runDevices(
    runId: string,
    q: {
      state?: string;
      limit: number;
    },
  ): Promise<RunDeviceRow[]>;
  runDevice(runId: string, deviceId: string): Promise<RunDeviceRow | null>;
  /**
   * Moves one device's row, only if it is still at `expect` (step and step state): two movers
   * never both win, so a step is claimed once.
   */
  moveDevice(
    runId: string,
    deviceId: string,
    expect: {
      stepIndex: number;
      stepState: string;
      state?: string;
    },
    patch: RunDevicePatch,
  ): Promise<boolean>;
  /** Devices of a run started at or after `iso` (the rate guard). */
  startedSince(runId: string, iso: string): Promise<number>;
  /** Finishes every still-active device of a run (a cancel). */
  finishActive(runId: string, state: RunDeviceState, reason: string, at: string): Promise<number>;
  /** Devices of this automation still busy in a run (not finished). */
  busyDevices(automationId: string, deviceIds: string[]): Promise<Set<string>>;
  cooldowns(automationId: string, deviceIds: string[]): Promise<Map<string, string>>;
  touchCooldowns(automationId: string, deviceIds: string[], at: string): Promise<void>;
  /** Records that `key` fired; false when it had fired already (here or on another replica). */
  fire(automationId: string, key: string, at: string): Promise<boolean>;
  lastFired(automationId: string, prefix: string): Promise<string | null>;
  insertSchedule(s: StoredSchedule): Promise<void>;
  schedules(): Promise<StoredSchedule[]>;
  schedule(id: string): Promise<StoredSchedule | null>;
  deleteSchedule(id: string): Promise<void>;
}

export function createAutomationsStore(db: Db): AutomationsStore {
  const toRun = (r: {
    id: string;
    automation_id: string;
    version: number;
    state: string;
    trigger_json: string;
    started_by: string;
    created_at: string;
    finished_at: string | null;
    devices_total: number;
  }): StoredRun => {
    const trigger = JSON.parse(r.trigger_json) as AutomationRun['trigger'] & { dryRun?: boolean };
    const { dryRun, ...t } = trigger;
    return {
      id: r.id,
      automationId: r.automation_id,
      version: Number(r.version),
      state: r.state as RunState,
      trigger: t,
      dryRun: !!dryRun,
      startedBy: r.started_by,
      createdAt: r.created_at,
      finishedAt: r.finished_at,
      devicesTotal: Number(r.devices_total),
    };
  };

  return {
    async insertAutomation(a: StoredAutomation): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('automations')
          .values({
            id: a.id,
            name: a.name,
            version: a.version,
            enabled: a.enabled ? 1 : 0,
            spec_json: JSON.stringify(a.spec),
            within_json: a.within ? JSON.stringify(a.within) : null,
            schedule_id: a.scheduleId,
            created_by: a.createdBy,
            created_at: a.createdAt,
            updated_at: a.updatedAt,
          })
          .execute();
        await trx
          .insertInto('automation_versions')
          .values({
            automation_id: a.id,
            version: a.version,
            spec_json: JSON.stringify(a.spec),
            created_by: a.createdBy,
            created_at: a.updatedAt,
          })
          .execute();
      });
    },
    /** Stores `spec` as the next version, only if the stored version is still `fromVersion`. */
    async newVersion(
      id: string,
      fromVersion: number,
      change: { spec: AutomationSpec; enabled: boolean; within: string[] | null; by: string; at: string },
    ): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        const r = await trx
          .updateTable('automations')
          .set({
            version: fromVersion + 1,
            spec_json: JSON.stringify(change.spec),
            enabled: change.enabled ? 1 : 0,
            within_json: change.within ? JSON.stringify(change.within) : null,
            updated_at: change.at,
          })
          .where('id', '=', id)
          .where('version', '=', fromVersion)
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) !== 1) return false;
        await trx
          .insertInto('automation_versions')
          .values({
            automation_id: id,
            version: fromVersion + 1,
            spec_json: JSON.stringify(change.spec),
            created_by: change.by,
            created_at: change.at,
          })
          .execute();
        return true;
      });
    },
    async byName(name: string): Promise<StoredAutomation | null> {
      const r = await db.selectFrom('automations').selectAll().where('name', '=', name).executeTakeFirst();
      return r ? toAutomation(r) : null;
    },
    async byId(id: string): Promise<StoredAutomation | null> {
      const r = await db.selectFrom('automations').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toAutomation(r) : null;
    },
    async list(): Promise<StoredAutomation[]> {
      return (await db.selectFrom('automations').selectAll().orderBy('name').limit(10_000).execute()).map(toAutomation);
    },
    async enabled(): Promise<StoredAutomation[]> {
      return (await db.selectFrom('automations').selectAll().where('enabled', '=', 1).limit(10_000).execute()).map(
        toAutomation,
      );
    },
    async versionSpec(id: string, version: number): Promise<AutomationSpec | null> {
      const r = await db
        .selectFrom('automation_versions')
        .select('spec_json')
        .where('automation_id', '=', id)
        .where('version', '=', version)
        .executeTakeFirst();
      return r ? (JSON.parse(r.spec_json) as AutomationSpec) : null;
    },
    async deleteAutomation(id: string): Promise<void> {
      await db.deleteFrom('automations').where('id', '=', id).execute();
    },

    /** A run and its devices in one transaction. */
    async insertRun(run: StoredRun, devices: RunDeviceRow[]): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('automation_runs')
          .values({
            id: run.id,
            automation_id: run.automationId,
            version: run.version,
            state: run.state,
            trigger_json: JSON.stringify({ ...run.trigger, ...(run.dryRun ? { dryRun: true } : {}) }),
            started_by: run.startedBy,
            created_at: run.createdAt,
            finished_at: run.finishedAt,
            devices_total: run.devicesTotal,
          })
          .execute();
        for (let i = 0; i < devices.length; i += 500) {
          await trx
            .insertInto('automation_run_devices')
            .values(
              devices.slice(i, i + 500).map((d) => ({
                run_id: d.runId,
                device_id: d.deviceId,
                state: d.state,
                step_index: d.stepIndex,
                step_state: d.stepState,
                step_started_at: d.stepStartedAt,
                step_deadline: d.stepDeadline,
                step_ref: d.stepRef,
                results_json: JSON.stringify(d.results),
                reason: d.reason,
                started_at: d.startedAt,
                finished_at: d.finishedAt,
                pick_up_until: d.pickUpUntil,
              })),
            )
            .execute();
        }
      });
    },
    async run(id: string): Promise<StoredRun | null> {
      const r = await db.selectFrom('automation_runs').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toRun(r) : null;
    },
    async runsOf(automationId: string, limit: number): Promise<StoredRun[]> {
      const rows = await db
        .selectFrom('automation_runs')
        .selectAll()
        .where('automation_id', '=', automationId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toRun);
    },
    async runsInState(states: RunState[]): Promise<StoredRun[]> {
      const rows = await db
        .selectFrom('automation_runs')
        .selectAll()
        .where('state', 'in', states)
        .orderBy('created_at')
        .limit(1000)
        .execute();
      return rows.map(toRun);
    },
    async setRunState(id: string, from: RunState[], state: RunState, finishedAt: string | null): Promise<boolean> {
      const r = await db
        .updateTable('automation_runs')
        .set({ state, finished_at: finishedAt })
        .where('id', '=', id)
        .where('state', 'in', from)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async deviceCounts(runId: string): Promise<Record<string, number>> {
      const rows = await db
        .selectFrom('automation_run_devices')
        .select(['state', db.fn.countAll<number>().as('n')])
        .where('run_id', '=', runId)
        .groupBy('state')
        .execute();
      return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
    },
    async activeDevices(runId: string): Promise<RunDeviceRow[]> {
      const rows = await db
        .selectFrom('automation_run_devices')
        .selectAll()
        .where('run_id', '=', runId)
        .where('state', 'in', ACTIVE_DEVICE_STATES)
        .orderBy('device_id')
        .execute();
      return rows.map(toRunDevice);
    },
    async runDevices(runId: string, q: { state?: string; limit: number }): Promise<RunDeviceRow[]> {
      let query = db.selectFrom('automation_run_devices').selectAll().where('run_id', '=', runId);
      if (q.state) query = query.where('state', '=', q.state);
      return (await query.orderBy('device_id').limit(q.limit).execute()).map(toRunDevice);
    },
    async runDevice(runId: string, deviceId: string): Promise<RunDeviceRow | null> {
      const r = await db
        .selectFrom('automation_run_devices')
        .selectAll()
        .where('run_id', '=', runId)
        .where('device_id', '=', deviceId)
        .executeTakeFirst();
      return r ? toRunDevice(r) : null;
    },
    /**
     * Moves one device's row, only if it is still at `expect` (step and step state): two movers
     * never both win, so a step is claimed once.
     */
    async moveDevice(
      runId: string,
      deviceId: string,
      expect: { stepIndex: number; stepState: string; state?: string },
      patch: RunDevicePatch,
    ): Promise<boolean> {
      let q = db
        .updateTable('automation_run_devices')
        .set(patchColumns(patch))
        .where('run_id', '=', runId)
        .where('device_id', '=', deviceId)
        .where('step_index', '=', expect.stepIndex)
        .where('step_state', '=', expect.stepState);
      if (expect.state) q = q.where('state', '=', expect.state);
      const r = await q.executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    /** Devices of a run started at or after `iso` (the rate guard). */
    async startedSince(runId: string, iso: string): Promise<number> {
      const r = await db
        .selectFrom('automation_run_devices')
        .select(db.fn.countAll<number>().as('n'))
        .where('run_id', '=', runId)
        .where('started_at', '>=', iso)
        .executeTakeFirst();
      return Number(r?.n ?? 0);
    },
    /** Finishes every still-active device of a run (a cancel). */
    async finishActive(runId: string, state: RunDeviceState, reason: string, at: string): Promise<number> {
      const r = await db
        .updateTable('automation_run_devices')
        .set({ state, reason, finished_at: at })
        .where('run_id', '=', runId)
        .where('state', 'in', ACTIVE_DEVICE_STATES)
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },
    /** Devices of this automation still busy in a run (not finished). */
    async busyDevices(automationId: string, deviceIds: string[]): Promise<Set<string>> {
      if (deviceIds.length === 0) return new Set();
      const busy = new Set<string>();
      for (let i = 0; i < deviceIds.length; i += 500) {
        const rows = await db
          .selectFrom('automation_run_devices')
          .innerJoin('automation_runs', 'automation_runs.id', 'automation_run_devices.run_id')
          .select('automation_run_devices.device_id')
          .where('automation_runs.automation_id', '=', automationId)
          .where('automation_runs.state', 'in', ['running', 'awaiting_approval'])
          .where('automation_run_devices.state', 'in', ACTIVE_DEVICE_STATES)
          .where('automation_run_devices.device_id', 'in', deviceIds.slice(i, i + 500))
          .execute();
        for (const r of rows) busy.add(r.device_id);
      }
      return busy;
    },

    async cooldowns(automationId: string, deviceIds: string[]): Promise<Map<string, string>> {
      const out = new Map<string, string>();
      for (let i = 0; i < deviceIds.length; i += 500) {
        const rows = await db
          .selectFrom('automation_cooldowns')
          .select(['device_id', 'last_at'])
          .where('automation_id', '=', automationId)
          .where('device_id', 'in', deviceIds.slice(i, i + 500))
          .execute();
        for (const r of rows) out.set(r.device_id, r.last_at);
      }
      return out;
    },
    async touchCooldowns(automationId: string, deviceIds: string[], at: string): Promise<void> {
      for (const deviceId of deviceIds)
        await db
          .insertInto('automation_cooldowns')
          .values({ automation_id: automationId, device_id: deviceId, last_at: at })
          .onConflict((oc) => oc.columns(['automation_id', 'device_id']).doUpdateSet({ last_at: at }))
          .execute();
    },
    /** Records that `key` fired; false when it had fired already (here or on another replica). */
    async fire(automationId: string, key: string, at: string): Promise<boolean> {
      const r = await db
        .insertInto('automation_fired')
        .values({ automation_id: automationId, fire_key: key, at })
        .onConflict((oc) => oc.columns(['automation_id', 'fire_key']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
    },
    async lastFired(automationId: string, prefix: string): Promise<string | null> {
      const r = await db
        .selectFrom('automation_fired')
        .select('fire_key')
        .where('automation_id', '=', automationId)
        .where('fire_key', '>=', prefix)
        .where('fire_key', '<', `${prefix}\uffff`)
        .orderBy('fire_key', 'desc')
        .limit(1)
        .executeTakeFirst();
      return r?.fire_key ?? null;
    },

    async insertSchedule(s: StoredSchedule): Promise<void> {
      await db
        .insertInto('schedules')
        .values({
          id: s.id,
          name: s.name,
          spec_json: JSON.stringify(s.spec),
          automation_id: s.automationId,
          created_by: s.createdBy,
          created_at: s.createdAt,
        })
        .execute();
    },
    async schedules(): Promise<StoredSchedule[]> {
      const rows = await db.selectFrom('schedules').selectAll().orderBy('name').limit(10_000).execute();
      return rows.map(toSchedule);
    },
    async schedule(id: string): Promise<StoredSchedule | null> {
      const r = await db.selectFrom('schedules').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toSchedule(r) : null;
    },
    async deleteSchedule(id: string): Promise<void> {
      await db.deleteFrom('schedules').where('id', '=', id).execute();
    },
  };
}

function toSchedule(r: SchedulesTable): StoredSchedule {
  return {
    id: r.id,
    name: r.name,
    spec: JSON.parse(r.spec_json) as unknown,
    automationId: r.automation_id,
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}

export type { AutomationRunDevice };
