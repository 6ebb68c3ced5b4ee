import type { AutomationTrigger } from '@outpost/protocol';
import type { Actor } from '../audit/index.js';
import type { AutomationDevices, TriggerSources } from './automation-ports.js';
import type { AutomationsStore, StoredAutomation } from './automations.store.js';
import { nextAfter } from './cron-times.js';
import type { RunTrigger } from './run-engine.js';

// Triggers, looked at on each tick. Each firing has a key (a cron occurrence, a device's offline
// spell, an event, an alert change) written once per automation: a key already written does not
// fire again, on this hub or on another replica, and not after a restart.

export interface TriggerDeps {
  store: AutomationsStore;
  devices: AutomationDevices;
  sources: TriggerSources;
  now(): Date;
  start(a: StoredAutomation, trigger: RunTrigger, actor: Actor): Promise<unknown>;
  /** Told of a cron occurrence passed over because the hub was down at its time. */
  missed?(a: StoredAutomation, at: Date): void;
}

// Events and alert changes older than this when the hub starts are not looked at.
const LOOK_BACK_MS = 10 * 60_000;
const MAX_PER_PASS = 1000;
const MEMO_LIMIT = 100_000;
/** How late a cron occurrence may still run (the hub was busy or restarting). */
export const MISSED_GRACE_MS = 15 * 60_000;

const systemActor = (a: StoredAutomation): Actor => ({ type: 'system', id: `automation:${a.name}` });

function watchFilter(base: string, watch: string | undefined): string {
  return watch?.trim() ? `(${base}) and (${watch})` : base;
}

export function createTriggers(d: TriggerDeps) {
  const startedAt = d.now().getTime();
  // Keys known to be written already: spares the database a write per offline device per tick.
  const fired = new Set<string>();
  // Group members last seen per automation, for "joined the group".
  const members = new Map<string, { version: number; ids: Set<string> }>();

  async function fire(a: StoredAutomation, key: string, trigger: RunTrigger): Promise<void> {
    const memo = `${a.id}|${key}`;
    if (fired.has(memo)) return;
    if (fired.size > MEMO_LIMIT) fired.clear();
    fired.add(memo);
    if (!(await d.store.fire(a.id, key, d.now().toISOString()))) return;
    await d.start(a, trigger, systemActor(a));
  }

  function since(a: StoredAutomation): string {
    return new Date(Math.max(startedAt - LOOK_BACK_MS, Date.parse(a.updatedAt))).toISOString();
  }

  async function cron(a: StoredAutomation, t: Extract<AutomationTrigger, { kind: 'cron' }>) {
    const last = await d.store.lastFired(a.id, 'cron:');
    const from = last ? new Date(last.slice('cron:'.length)) : new Date(a.updatedAt);
    const now = d.now();
    // The latest occurrence due: a hub that was down over several fires once, not once per missed one.
    let due: Date | null = null;
    for (
      let next = nextAfter(t.cron, t.timezone, from);
      next && next <= now;
      next = nextAfter(t.cron, t.timezone, next)
    )
      due = next;
    if (!due) return;
    const key = `cron:${due.toISOString()}`;
    // An occurrence missed by more than the grace (the hub was down) is passed over: a 02:00
    // reboot does not happen at noon. It is written, so it is not looked at again.
    if (now.getTime() - due.getTime() > MISSED_GRACE_MS) {
      if (await d.store.fire(a.id, key, now.toISOString())) d.missed?.(a, due);
      return;
    }
    await fire(a, key, { kind: 'cron', detail: due.toISOString() });
  }

  async function offline(a: StoredAutomation, t: Extract<AutomationTrigger, { kind: 'offline' }>) {
    const ids = await d.devices.select(
      watchFilter(`offline and last_seen < -${t.forMin}m`, t.watch),
      a.within,
      MAX_PER_PASS,
    );
    if (ids.length === 0) return;
    const states = await d.devices.states(ids);
    for (const id of ids) {
      const s = states.get(id);
      if (!s || s.presence === 'online') continue;
      await fire(a, `offline:${id}:${s.lastSeenAt ?? 'never'}`, {
        kind: 'offline',
        deviceId: id,
        detail: `offline since ${s.lastSeenAt ?? 'never seen'}, more than ${t.forMin} min`,
      });
    }
  }

  async function health(a: StoredAutomation, t: Extract<AutomationTrigger, { kind: 'health' }>) {
    const ids = await d.devices.select(watchFilter('online', t.watch), a.within, MAX_PER_PASS * 10);
    const states = await d.devices.states(ids, { health: true });
    for (const id of ids) {
      const s = states.get(id);
      if (s?.health !== t.status) continue;
      // One firing per spell: the spell is named by the last time the device was seen before it.
      await fire(a, `health:${t.status}:${id}:${s.lastSeenAt?.slice(0, 13) ?? ''}`, {
        kind: 'health',
        deviceId: id,
        detail: `health ${t.status}`,
      });
    }
  }

  async function deviceEvent(a: StoredAutomation, t: Extract<AutomationTrigger, { kind: 'device_event' }>) {
    const events = await d.sources.events(t.eventType, since(a), MAX_PER_PASS);
    const inside = await inReach(
      a,
      t.watch,
      events.map((e) => e.deviceId),
    );
    for (const e of events)
      if (inside.has(e.deviceId))
        await fire(a, `event:${e.key}`, { kind: 'device_event', deviceId: e.deviceId, detail: t.eventType });
  }

  async function alert(a: StoredAutomation, t: Extract<AutomationTrigger, { kind: 'alert' }>) {
    const changes = (await d.sources.alertChanges(since(a), MAX_PER_PASS)).filter(
      (c) => c.change === t.on && (!t.ruleId || c.ruleId === t.ruleId) && (!t.ruleType || c.ruleType === t.ruleType),
    );
    const inside = await inReach(
      a,
      t.watch,
      changes.map((c) => c.deviceId),
    );
    for (const c of changes)
      if (inside.has(c.deviceId))
        await fire(a, `alert:${c.alertId}:${c.change}`, {
          kind: 'alert',
          deviceId: c.deviceId,
          detail: `alert ${c.alertId} ${c.change}`,
        });
  }

  async function groupJoin(a: StoredAutomation, t: Extract<AutomationTrigger, { kind: 'group_join' }>) {
    const now = new Set(await d.devices.select(`group = ${JSON.stringify(t.group)}`, a.within, 100_000));
    const before = members.get(a.id);
    members.set(a.id, { version: a.version, ids: now });
    // The first look (or a changed automation) learns who is in already; only later joins fire.
    if (!before || before.version !== a.version) return;
    for (const id of now)
      if (!before.ids.has(id))
        await fire(a, `join:${t.group}:${id}:${d.now().toISOString()}`, {
          kind: 'group_join',
          deviceId: id,
          detail: t.group,
        });
  }

  async function inReach(a: StoredAutomation, watch: string | undefined, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const unique = [...new Set(ids)];
    return new Set(await d.devices.select(watch?.trim() ? watch : null, a.within, unique.length, unique));
  }

  /** One look at every enabled automation's trigger. */
  async function tick(automations: StoredAutomation[]): Promise<void> {
    for (const a of automations) {
      const t = a.spec.trigger;
      if (t.kind === 'cron') await cron(a, t);
      else if (t.kind === 'offline') await offline(a, t);
      else if (t.kind === 'health') await health(a, t);
      else if (t.kind === 'device_event') await deviceEvent(a, t);
      else if (t.kind === 'alert') await alert(a, t);
      else if (t.kind === 'group_join') await groupJoin(a, t);
    }
  }

  return { tick, onMembershipChanged: () => undefined };
}
