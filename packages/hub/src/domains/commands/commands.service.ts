import {
  COMMAND_NAMES,
  SCHEMA_VERSION,
  type CommandBatch,
  type CommandRecord,
  type CommandResult,
} from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import { NotFound, ValidationError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import type { Logger } from '../../platform/logger.js';
import type { DeviceBus } from '../../platform/device-bus.js';
import type { AuditLog } from '../audit/index.js';
import type { Actor } from '../audit/index.js';
import type { DeviceDirectory } from '../devices/index.js';
import type { DeviceScope, DeviceSelector } from '../devices/index.js';
import type { CommandsStore } from './commands.store.js';

const MAX_TARGETS = 10_000;
const COMMAND_NAME = /^[a-z][a-z0-9.-]{0,63}$/;
const TERMINAL = new Set(['succeeded', 'failed', 'timed_out']);

export interface CommandsDeps {
  store: CommandsStore;
  devices: DeviceDirectory;
  selector: DeviceSelector;
  bus: DeviceBus;
  /** Connected and subscribed, so a command published now reaches it. */
  isReady(deviceId: string): boolean;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
}

export interface CommandsService {
  send: (
    actor: Actor,
    scope: DeviceScope,
    target: {
      deviceId?: string;
      filter?: string;
    },
    input: {
      name: string;
      args?: Record<string, unknown>;
      timeoutS?: number;
      id?: string;
    },
  ) => Promise<{
    batchId: string | null;
    commands: Array<CommandRecord & { batchId: string | null; state: 'pending' }>;
  }>;
  dispatchAndWait: (
    createdBy: string,
    deviceId: string,
    input: {
      name: string;
      args: Record<string, unknown>;
      timeoutS: number;
    },
    waitMs: number,
  ) => Promise<CommandRecord>;
  onResult: (deviceId: string, r: CommandResult) => Promise<void>;
  waitFor: (scope: DeviceScope, id: string, ms: number) => Promise<CommandRecord>;
  expire: () => Promise<void>;
  get: (
    scope: DeviceScope,
    id: string,
  ) => Promise<
    CommandRecord & {
      batchId: string | null;
    }
  >;
  batch: (scope: DeviceScope, batchId: string) => Promise<CommandBatch>;
  ofDevice: (id: string, limit?: number) => Promise<CommandRecord[]>;
  /**
   * Drops the output (stdout, stderr) from a finished command's result: the domain that asked for
   * it keeps it (`keptIn` names where), so the output is stored once.
   */
  dropOutput: (id: string, keptIn: string) => Promise<void>;
  /** One command by id for the hub's own work (no caller scope), null when none was stored. */
  record: (id: string) => Promise<
    | (CommandRecord & {
        batchId: string | null;
      })
    | null
  >;
  /** Delivers what waited for this device while it was away. */
  deliverPending(deviceId: string): Promise<void>;
}

/** Hub→device requests with ids and deadlines; results come back on cmd/res. */
export function createCommandsService(d: CommandsDeps): CommandsService {
  const waiters = new Map<string, Array<(r: CommandRecord) => void>>();

  async function deliver(c: CommandRecord): Promise<void> {
    if (!d.isReady(c.deviceId)) return;
    if (!(await d.store.transition(c.id, ['pending'], { state: 'sent' }))) return;
    await d.bus.publish(c.deviceId, 'cmd/req', {
      v: SCHEMA_VERSION,
      id: c.id,
      name: c.name,
      args: c.args,
      deadline: Date.parse(c.deadline),
    });
  }

  function validate(name: string, timeoutS: number) {
    // Agents with extra features answer more commands than the built-in ones; a device that
    // does not know a name answers `unknown_command`, so only the shape is checked here.
    if (!COMMAND_NAME.test(name))
      throw new ValidationError(
        `command name must be lowercase letters, digits, "-" and "." (built in: ${COMMAND_NAMES.join(', ')})`,
        { path: '/name' },
      );
    if (!(timeoutS >= 1 && timeoutS <= 86_400))
      throw new ValidationError('timeoutS must be between 1 and 86400', { path: '/timeoutS' });
  }

  /**
   * Sends one command to one device for another domain, which checked the device, the caller's
   * scope and audited the action itself; resolves with the command once finished or after `waitMs`.
   */
  async function dispatchAndWait(
    createdBy: string,
    deviceId: string,
    input: { name: string; args: Record<string, unknown>; timeoutS: number },
    waitMs: number,
  ): Promise<CommandRecord> {
    validate(input.name, input.timeoutS);
    const now = d.clock.now();
    const c = {
      id: newId('cmd'),
      batchId: null,
      deviceId,
      name: input.name,
      args: input.args,
      state: 'pending' as const,
      result: null,
      error: null,
      createdBy,
      createdAt: now.toISOString(),
      deadline: new Date(now.getTime() + input.timeoutS * 1000).toISOString(),
      finishedAt: null,
    };
    await d.store.insertMany([c]);
    // Listen before sending: a quick answer must not slip past.
    const outcome = awaitOutcome(c, waitMs);
    await deliver(c);
    return outcome;
  }

  /** Sends one command to each chosen device; offline devices get it when they return, until the deadline. */
  async function send(
    actor: Actor,
    scope: DeviceScope,
    target: { deviceId?: string; filter?: string },
    input: { name: string; args?: Record<string, unknown>; timeoutS?: number; id?: string },
  ) {
    const timeoutS = input.timeoutS ?? 30;
    validate(input.name, timeoutS);
    // A caller that must never send twice (automations) names the command first and stores that
    // id before asking; only a one-device send takes it.
    if (input.id && !target.deviceId) throw new ValidationError('a command id is given for one device only');
    let ids: string[];
    if (target.deviceId) {
      if (!(await d.devices.exists(target.deviceId))) throw new NotFound('device', target.deviceId);
      ids = [target.deviceId];
    } else {
      // A filter acts only inside the caller's scope.
      ids = await d.devices.ids(scope.narrow(await d.selector.where(target.filter ?? null)), MAX_TARGETS + 1);
      if (ids.length > MAX_TARGETS)
        throw new ValidationError(`the filter matches more than ${MAX_TARGETS} devices; narrow it`, {
          path: '/filter',
        });
    }
    const now = d.clock.now();
    const batchId = target.deviceId ? null : newId('bat');
    const records = ids.map((deviceId) => ({
      id: input.id ?? newId('cmd'),
      batchId,
      deviceId,
      name: input.name,
      args: input.args ?? {},
      state: 'pending' as const,
      result: null,
      error: null,
      createdBy: actor.id,
      createdAt: now.toISOString(),
      deadline: new Date(now.getTime() + timeoutS * 1000).toISOString(),
      finishedAt: null,
    }));
    await d.store.insertMany(records);
    await d.audit.record({
      actor,
      action: 'command.send',
      target: target.deviceId ? `device:${target.deviceId}` : `batch:${batchId}`,
      details: { name: input.name, devices: ids.length, filter: target.filter },
    });
    await Promise.all(
      records.map((c) =>
        deliver(c).catch((err: unknown) => d.logger.warn({ err, id: c.id }, 'command delivery failed')),
      ),
    );
    return { batchId, commands: records };
  }

  async function onResult(deviceId: string, r: CommandResult): Promise<void> {
    const c = await d.store.get(r.id);
    // A device may only answer its own commands.
    if (!c || c.deviceId !== deviceId) {
      d.logger.warn({ deviceId, id: r.id }, 'command result for an unknown or foreign command');
      return;
    }
    const ok = await d.store.transition(r.id, ['sent', 'pending'], {
      state: r.ok ? 'succeeded' : 'failed',
      result_json: r.result === undefined ? null : JSON.stringify(r.result),
      error: r.ok ? null : (r.error?.message ?? 'failed'),
      finished_at: d.clock.now().toISOString(),
    });
    if (ok) notify(r.id);
  }

  async function notify(id: string) {
    const list = waiters.get(id);
    if (!list) return;
    waiters.delete(id);
    const rec = await d.store.get(id);
    if (rec) for (const w of list) w(rec);
  }

  /** Resolves with the command once it is finished, or as it is when `ms` runs out. */
  async function waitFor(scope: DeviceScope, id: string, ms: number): Promise<CommandRecord> {
    return awaitOutcome(await get(scope, id), ms);
  }

  function awaitOutcome(c: CommandRecord, ms: number): Promise<CommandRecord> {
    const id = c.id;
    if (TERMINAL.has(c.state)) return Promise.resolve(c);
    return new Promise((resolve) => {
      const timer = d.clock.after(ms, async () => resolve((await d.store.get(id)) ?? c));
      const list = waiters.get(id) ?? [];
      list.push((r) => {
        timer.cancel();
        resolve(r);
      });
      waiters.set(id, list);
    });
  }

  async function expire(): Promise<void> {
    for (const id of await d.store.expire(d.clock.now().toISOString())) await notify(id);
  }

  /** One command, when its device lies inside the scope (else the same 404 as no such command). */
  async function get(scope: DeviceScope, id: string) {
    const c = await d.store.get(id);
    if (!c || !(await scope.contains(c.deviceId))) throw new NotFound('command', id);
    return c;
  }

  /** A batch's commands to devices inside the scope; none there is the same 404 as no such batch. */
  async function batch(scope: DeviceScope, batchId: string) {
    const all = await d.store.ofBatch(batchId);
    const inside = new Set(await scope.within(all.map((c) => c.deviceId)));
    const items = all.filter((c) => inside.has(c.deviceId));
    if (items.length === 0) throw new NotFound('command batch', batchId);
    const counts: Record<string, number> = {};
    for (const c of items) counts[c.state] = (counts[c.state] ?? 0) + 1;
    return { batchId, counts, items };
  }

  return {
    send,
    dispatchAndWait,
    onResult,
    waitFor,
    expire,
    get,
    batch,
    ofDevice: (id: string, limit = 50) => d.store.ofDevice(id, limit),
    /** One command by id for the hub's own work (no caller scope), null when none was stored. */
    record: (id: string) => d.store.get(id),
    async dropOutput(id: string, keptIn: string) {
      const c = await d.store.get(id);
      const r = c?.result;
      if (!r || typeof r !== 'object' || Array.isArray(r)) return;
      const { stdout: _stdout, stderr: _stderr, ...rest } = r as Record<string, unknown>;
      await d.store.replaceResult(id, { ...rest, outputKeptIn: keptIn });
    },
    /** Delivers what waited for this device while it was away. */
    async deliverPending(deviceId: string) {
      for (const c of await d.store.pendingFor(deviceId, d.clock.now().toISOString())) await deliver(c);
    },
  };
}
