import type { CommandRecord, DiagnosticRunBody } from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import { NotFound, ValidationError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import type { Logger } from '../../platform/logger.js';
import type { Actor, AuditLog } from '../audit/index.js';
import {
  deviceNotFound,
  type DeviceDirectory,
  type DeviceFacts,
  type DeviceScope,
  type DeviceSelector,
} from '../devices/index.js';
import type { DiagnosticResult, DiagnosticsRunner } from './index.js';
import { toDiagnosticResult } from './diagnostic-result.js';
import type { DiagnosticRun, DiagnosticsStore } from './diagnostics.store.js';
import type { DiagnosticRunRecord, DiagnosticDeviceResult, DiagnosticStatus } from '@outpost/protocol';

/** The command an agent answers with a declared diagnostic; `diag:<name>` in its hello lists the names. */
export const DIAG_COMMAND = 'diag-run';
export const DIAG_CAPABILITY_PREFIX = 'diag:';
export const MAX_RUN_DEVICES = 5_000;
const DEFAULT_TIMEOUT_MS = 60_000;
/** Devices asked at once, over every run: enough for a large fleet, bounded for the hub. */
const MAX_IN_FLIGHT = 200;
export const RETENTION_DAYS = 30;
const DAY_MS = 86_400_000;

export interface DiagnosticsDeps {
  store: DiagnosticsStore;
  /** Sends one command and waits for its end (the commands domain; no audit of its own). */
  dispatchAndWait(
    createdBy: string,
    deviceId: string,
    input: { name: string; args: Record<string, unknown>; timeoutS: number },
    waitMs: number,
  ): Promise<CommandRecord>;
  /**
   * Drops the output from a finished command's stored result (the commands domain): a run's results
   * keep it, so it is stored once.
   */
  dropCommandOutput?(commandId: string, keptIn: string): Promise<void>;
  isReady(deviceId: string): boolean;
  devices: DeviceDirectory;
  selector: DeviceSelector;
  facts: Pick<DeviceFacts, 'versions'>;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
}

export interface DiagnosticsService {
  runner: DiagnosticsRunner;
  start: (actor: Actor, scope: DeviceScope, body: DiagnosticRunBody) => Promise<DiagnosticRun>;
  visible: (
    scope: DeviceScope,
    id: string,
  ) => Promise<{
    run: DiagnosticRunRecord;
    ids: string[];
  }>;
  get(
    scope: DeviceScope,
    id: string,
    preview: number,
  ): Promise<{
    devices: number;
    counts: Record<string, number>;
    results: DiagnosticDeviceResult[];
    id: string;
    name: string;
    param: string | null;
    target: string;
    timeoutMs: number;
    state: 'running' | 'finished';
    createdBy: string;
    createdAt: string;
    finishedAt: string | null;
  }>;
  list(
    scope: DeviceScope,
    limit: number,
  ): Promise<
    {
      devices: number;
      visibleDevices: number;
      id: string;
      name: string;
      param: string | null;
      target: string;
      timeoutMs: number;
      state: 'running' | 'finished';
      createdBy: string;
      createdAt: string;
      finishedAt: string | null;
    }[]
  >;
  deviceResult(
    scope: DeviceScope,
    id: string,
    deviceId: string,
  ): Promise<{
    name: string;
    runId: string;
    deviceId: string;
    status: DiagnosticStatus;
    exitCode?: number;
    stdout: string;
    stderr: string;
    truncated: boolean;
    durationMs: number;
    reason?: string;
    finishedAt: string | null;
    stdoutLength: number;
    stderrLength: number;
  }>;
  /** The diagnostic names the device declared in its last hello (none before its first). */
  declared(deviceId: string): Promise<string[]>;
  /** Closes what a stopped hub left pending, and drops runs past retention. */
  housekeeping(): Promise<void>;
  /** Stops asking devices (hub stop): runs in progress keep what they have. */
  stop(): void;
  /** Waits for runs in progress. */
  drain(): Promise<void>;
}

/** Runs named diagnostics on devices through their agents and keeps the results. */
export function createDiagnosticsService(d: DiagnosticsDeps): DiagnosticsService {
  let inFlight = 0;
  const queue: Array<() => void> = [];
  const running = new Set<Promise<void>>();
  let stopped = false;

  async function slot(work: () => Promise<void>): Promise<void> {
    if (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((go) => queue.push(go));
    // A stopping hub asks no more devices; what is left stays pending and is closed by housekeeping.
    if (stopped) return void queue.shift()?.();
    inFlight++;
    try {
      return await work();
    } finally {
      inFlight--;
      queue.shift()?.();
    }
  }

  /** Asks one device for a diagnostic: its result, and the command that carried it (none when not sent). */
  async function ask(
    deviceId: string,
    name: string,
    opts: Parameters<DiagnosticsRunner['runOn']>[2],
  ): Promise<{ result: DiagnosticResult; commandId: string | null }> {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!opts.runId)
      await d.audit.record({
        actor: { type: 'system', id: opts.actor },
        action: 'diagnostic.run',
        target: `device:${deviceId}`,
        details: { name, param: opts.param ?? null, devices: 1 },
      });
    if (!d.isReady(deviceId)) return { result: empty(deviceId, name, 'offline', 'device_offline'), commandId: null };
    const started = d.clock.now().getTime();
    try {
      const rec = await d.dispatchAndWait(
        opts.actor,
        deviceId,
        {
          name: DIAG_COMMAND,
          args: { name, ...(opts.param === undefined ? {} : { param: opts.param }) },
          timeoutS: Math.ceil(timeoutMs / 1000),
        },
        timeoutMs,
      );
      return { result: toDiagnosticResult(rec, name, d.clock.now().getTime() - started), commandId: rec.id };
    } catch (err) {
      d.logger.warn({ err, deviceId, name }, 'diagnostic could not be sent');
      return { result: empty(deviceId, name, 'failed', 'hub_error'), commandId: null };
    }
  }

  const runner: DiagnosticsRunner = {
    runOn: async (deviceId, name, opts) => (await ask(deviceId, name, opts)).result,
  };

  async function targetIds(scope: DeviceScope, body: DiagnosticRunBody): Promise<{ target: string; ids: string[] }> {
    const given = [body.deviceId, body.group, body.filter].filter((v) => v !== undefined).length;
    if (given !== 1) throw new ValidationError('give exactly one of deviceId, group or filter', { path: '/' });
    if (body.deviceId !== undefined) {
      if (!(await scope.contains(body.deviceId))) throw deviceNotFound(body.deviceId);
      return { target: `device:${body.deviceId}`, ids: [body.deviceId] };
    }
    const filter = body.group !== undefined ? `group = ${JSON.stringify(body.group)}` : (body.filter ?? '');
    // A group or filter acts only inside the caller's scope.
    const ids = await d.devices.ids(scope.narrow(await d.selector.where(filter)), MAX_RUN_DEVICES + 1);
    if (ids.length > MAX_RUN_DEVICES)
      throw new ValidationError(`the target selects more than ${MAX_RUN_DEVICES} devices; narrow it`, {
        path: body.group !== undefined ? '/group' : '/filter',
      });
    if (ids.length === 0)
      throw new ValidationError('the target selects no device inside your scope', {
        path: body.group !== undefined ? '/group' : '/filter',
      });
    return { target: body.group !== undefined ? `group:${body.group}` : `filter:${filter}`, ids };
  }

  /** Starts a run: the target is evaluated now, inside the scope; devices are asked in the background. */
  async function start(actor: Actor, scope: DeviceScope, body: DiagnosticRunBody): Promise<DiagnosticRun> {
    const { target, ids } = await targetIds(scope, body);
    const timeoutMs = (body.timeoutS ?? DEFAULT_TIMEOUT_MS / 1000) * 1000;
    const run: DiagnosticRun = {
      id: newId('diag'),
      name: body.name,
      param: body.param ?? null,
      target,
      timeoutMs,
      devices: ids.length,
      state: 'running',
      createdBy: actor.id,
      createdAt: d.clock.now().toISOString(),
      finishedAt: null,
    };
    await d.store.insertRun(run, ids);
    await d.audit.record({
      actor,
      action: 'diagnostic.run',
      target: `diagnostic-run:${run.id}`,
      details: {
        name: run.name,
        param: run.param,
        target,
        devices: ids.length,
        deviceIds: ids.slice(0, 100),
      },
    });
    const work = execute(run, ids, actor.id).catch((err: unknown) =>
      d.logger.error({ err, runId: run.id }, 'diagnostic run failed'),
    );
    running.add(work);
    void work.finally(() => running.delete(work));
    return run;
  }

  async function execute(run: DiagnosticRun, ids: string[], actorId: string) {
    await Promise.all(
      ids.map((deviceId) =>
        slot(async () => {
          const { result, commandId } = await ask(deviceId, run.name, {
            param: run.param ?? undefined,
            timeoutMs: run.timeoutMs,
            actor: actorId,
            runId: run.id,
          });
          await d.store.saveResult(run.id, result, d.clock.now().toISOString());
          // The run's result is the one copy of the output; the command keeps where it went.
          if (commandId)
            await d
              .dropCommandOutput?.(commandId, `diagnostic-run:${run.id}`)
              .catch((err: unknown) =>
                d.logger.warn({ err, commandId }, 'the output of a diagnostic command could not be dropped'),
              );
        }),
      ),
    );
    await d.store.finishRun(run.id, d.clock.now().toISOString());
  }

  /** A run, when some of its devices lie inside the scope (else the same 404 as no such run), and those devices. */
  async function visible(scope: DeviceScope, id: string) {
    const run = await d.store.getRun(id);
    if (!run) throw new NotFound('diagnostic run', id);
    const ids = await scope.within(await d.store.deviceIdsOf(id));
    if (ids.length === 0) throw new NotFound('diagnostic run', id);
    return { run, ids };
  }

  return {
    runner,
    start,
    visible,

    async get(scope: DeviceScope, id: string, preview: number) {
      const { run, ids } = await visible(scope, id);
      return {
        ...run,
        // A scoped caller learns nothing of devices outside its scope, not even how many.
        devices: ids.length,
        counts: await d.store.statusCounts(id, ids),
        results: await d.store.resultsOf(id, ids, preview),
      };
    },

    async list(scope: DeviceScope, limit: number) {
      const out = [];
      for (const run of await d.store.listRuns(limit)) {
        const ids = scope.unrestricted ? null : await scope.within(await d.store.deviceIdsOf(run.id));
        if (ids && ids.length === 0) continue;
        out.push({ ...run, devices: ids ? ids.length : run.devices, visibleDevices: ids ? ids.length : run.devices });
      }
      return out;
    },

    async deviceResult(scope: DeviceScope, id: string, deviceId: string) {
      const run = await d.store.getRun(id);
      if (!run) throw new NotFound('diagnostic run', id);
      if (!(await scope.contains(deviceId))) throw deviceNotFound(deviceId);
      const [r] = await d.store.resultsOf(id, [deviceId], null);
      if (!r) throw new NotFound('diagnostic result', `${id}/${deviceId}`);
      return { ...r, name: run.name };
    },

    /** The diagnostic names the device declared in its last hello (none before its first). */
    async declared(deviceId: string): Promise<string[]> {
      if (!(await d.devices.exists(deviceId))) throw deviceNotFound(deviceId);
      const caps = (await d.facts.versions([deviceId])).get(deviceId)?.capabilities ?? [];
      return caps
        .filter((c) => c.startsWith(DIAG_CAPABILITY_PREFIX))
        .map((c) => c.slice(DIAG_CAPABILITY_PREFIX.length));
    },

    /** Closes what a stopped hub left pending, and drops runs past retention. */
    async housekeeping() {
      const now = d.clock.now();
      // No run waits longer than the longest allowed timeout; give it an hour's margin.
      await d.store.closeStale(new Date(now.getTime() - 2 * 3600_000).toISOString(), now.toISOString(), 'hub_lost_run');
      await d.store.deleteBefore(new Date(now.getTime() - RETENTION_DAYS * DAY_MS).toISOString());
    },

    /** Stops asking devices (hub stop): runs in progress keep what they have. */
    stop() {
      stopped = true;
    },

    /** Waits for runs in progress. */
    async drain() {
      await Promise.all([...running]);
    },
  };
}

function empty(deviceId: string, name: string, status: DiagnosticResult['status'], reason: string): DiagnosticResult {
  return { deviceId, name, status, stdout: '', stderr: '', truncated: false, durationMs: 0, reason };
}
