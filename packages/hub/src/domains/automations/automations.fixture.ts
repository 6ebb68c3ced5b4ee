import type { CommandRecord } from '@outpost/protocol';
import { createLogger } from '../../platform/logger.js';
import { createManualClock, type ManualClock } from '../../platform/manual-clock.js';
import type { Db } from '../../storage/database.js';
import type { AuditEntry, AuditLog } from '../audit/index.js';
import type { AutomationCommands, AutomationDevices, DeviceState, EngineDeps } from './automation-ports.js';
import { createAutomationsService } from './automations.service.js';
import { createAutomationsStore } from './automations.store.js';
import { createRunEngine } from './run-engine.js';
import { createSchedulesService } from './schedules.service.js';
import { createTriggers } from './triggers.js';

// A small world for the engine's unit tests: devices whose presence the test sets, a command
// channel that counts what each device was sent and answers as told, and the real store on SQLite.

export interface FakeFleet {
  devices: AutomationDevices;
  commands: AutomationCommands;
  state: Map<string, DeviceState & { groups: string[] }>;
  /** Commands each device was sent, by name. */
  sent: Map<string, string[]>;
  records: Map<string, CommandRecord>;
  /** How a device answers a command it receives while online: ok by default. */
  answer: (deviceId: string, name: string) => 'ok' | 'failed' | 'none';
  /** Delivers pending commands to online devices and answers them (as the hub would on reconnect). */
  deliver(): void;
  setPresence(id: string, presence: 'online' | 'offline', at: Date): void;
}

export function fakeFleet(clock: ManualClock, ids: string[], group = 'site'): FakeFleet {
  const state = new Map(
    ids.map((id) => [
      id,
      {
        presence: 'online' as DeviceState['presence'],
        lastSeenAt: clock.now().toISOString(),
        health: 'normal',
        groups: [group],
      },
    ]),
  );
  const sent = new Map<string, string[]>();
  const records = new Map<string, CommandRecord>();
  const f: FakeFleet = {
    state,
    sent,
    records,
    answer: () => 'ok',
    deliver() {
      for (const c of records.values()) {
        if (c.state !== 'pending' || state.get(c.deviceId)?.presence !== 'online') continue;
        if (Date.parse(c.deadline) <= clock.now().getTime()) {
          c.state = 'timed_out';
          continue;
        }
        c.state = 'sent';
        sent.set(c.deviceId, [...(sent.get(c.deviceId) ?? []), c.name]);
        const a = f.answer(c.deviceId, c.name);
        if (a !== 'none') c.state = a === 'ok' ? 'succeeded' : 'failed';
        if (a === 'failed') c.error = 'device refused';
      }
      for (const c of records.values())
        if ((c.state === 'pending' || c.state === 'sent') && Date.parse(c.deadline) <= clock.now().getTime())
          c.state = 'timed_out';
    },
    setPresence(id, presence, at) {
      const s = state.get(id)!;
      // Last seen as it went, or as it came back.
      s.presence = presence;
      s.lastSeenAt = at.toISOString();
    },
    devices: {
      async select(filter, _within, limit, among) {
        let out = [...state.keys()];
        if (among) out = out.filter((id) => among.includes(id));
        const text = filter ?? '';
        const g = /group = "([^"]+)"/.exec(text);
        if (g) out = out.filter((id) => state.get(id)!.groups.includes(g[1]));
        const off = /offline and last_seen < -(\d+)m/.exec(text);
        if (off) {
          const before = clock.now().getTime() - Number(off[1]) * 60_000;
          out = out.filter((id) => {
            const s = state.get(id)!;
            return s.presence === 'offline' && s.lastSeenAt !== null && Date.parse(s.lastSeenAt) < before;
          });
        }
        const idEq = /^id = "([^"]+)"$/.exec(text);
        if (idEq) out = out.filter((id) => id === idEq[1]);
        return out.slice(0, limit);
      },
      async states(list) {
        return new Map(list.filter((id) => state.has(id)).map((id) => [id, { ...state.get(id)! }]));
      },
      async validateFilter() {},
    },
    commands: {
      async send(_actor, deviceId, input) {
        if (records.has(input.id)) throw new Error(`command ${input.id} exists already`);
        const now = clock.now();
        records.set(input.id, {
          id: input.id,
          deviceId,
          name: input.name,
          args: input.args,
          state: 'pending',
          result: null,
          error: null,
          createdBy: 'automation',
          createdAt: now.toISOString(),
          deadline: new Date(now.getTime() + input.timeoutS * 1000).toISOString(),
          finishedAt: null,
        });
        f.deliver();
      },
      async get(id) {
        return records.get(id) ?? null;
      },
    },
  };
  return f;
}

export function recordingAudit(): AuditLog & { entries: AuditEntry[] } {
  const entries: AuditEntry[] = [];
  return {
    entries,
    async record(e: AuditEntry) {
      entries.push(e);
      return {} as never;
    },
    async recordBounded(e: AuditEntry) {
      entries.push(e);
    },
    async flushSummaries() {},
  } as unknown as AuditLog & { entries: AuditEntry[] };
}

/** The domain's parts on `db`, built as the module builds them; a second call is a restarted hub. */
export function automationsWorld(db: Db, clock: ManualClock, fleet: FakeFleet, extra: Partial<EngineDeps> = {}) {
  const store = createAutomationsStore(db);
  const audit = recordingAudit();
  const notices: Array<{ channelId: string; summary: string }> = [];
  const deps: EngineDeps = {
    store,
    devices: fleet.devices,
    commands: fleet.commands,
    notify: {
      async send(channelId, summary) {
        notices.push({ channelId, summary });
        return `msg_${notices.length}`;
      },
      channelExists: async (id) => id === 'ops',
    },
    audit,
    clock,
    logger: createLogger('silent'),
    ...extra,
  };
  const engine = createRunEngine(deps);
  const automations = createAutomationsService({
    store,
    engine,
    devices: fleet.devices,
    channelExists: deps.notify.channelExists,
    audit,
    clock,
  });
  const schedules = createSchedulesService({ store, automations, engine, audit, clock });
  const triggers = createTriggers({
    store,
    devices: fleet.devices,
    sources: { events: async () => [], alertChanges: async () => [] },
    now: () => clock.now(),
    start: (a, t, actor) => engine.start(a, t, actor),
  });
  async function tick() {
    await triggers.tick(await store.enabled());
    await schedules.tick();
    await engine.tick();
    fleet.deliver();
  }
  return { store, engine, automations, schedules, audit, notices, tick };
}

export const ADMIN = { type: 'user' as const, id: 'ann' };
export const EVERYONE = { unrestricted: true, groups: [] as string[] };
export { createManualClock };
