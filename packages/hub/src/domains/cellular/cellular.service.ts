import { compileValidator, CellularMessage, type CellularInventory, type DeviceCellularView } from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import type { DomainEvents } from '../../platform/domain-events.js';
import { NotFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import type { Logger } from '../../platform/logger.js';
import { primaryModem, servingSignal, type CellularInventoryStore } from '../devices/index.js';
import { cycleOf, dayKey, projectedUse } from './billing-cycle.js';
import type { CellularHistoryStore } from './cellular-history.store.js';
import type { CellularChange, CellularStore, Plan } from './cellular.store.js';
import { effectivePlan, type EffectivePlan } from './plan-resolution.js';
import { usageDelta } from './usage-delta.js';

export interface CellularService {
  /** Handles one `cellular` report: inventory, SIM/IMEI/roaming changes, usage per SIM and cycle. */
  onReport(deviceId: string, payload: Buffer): Promise<void>;
  deviceCellular(deviceId: string): Promise<DeviceCellularView>;
  /** The plan the SIM `iccid` in device `deviceId` is held to now. */
  planOf(iccid: string, deviceId: string): Promise<EffectivePlan | undefined>;
  setPlan(iccid: string, plan: Omit<Plan, 'iccid'>): Promise<Plan>;
  changesSince: CellularStore['changesSince'];
}

export interface CellularDeps {
  store: CellularStore;
  history: CellularHistoryStore;
  /** The static groups a device is a direct member of (paths). */
  groupsOf(deviceId: string): Promise<string[]>;
  inventory: CellularInventoryStore;
  clock: Clock;
  logger: Logger;
  /** Tells the devices that can see a change (alerts read the changes on their next evaluation). */
  onChange?(c: CellularChange): void;
  /** A report brought a fix other than the last one (the module emits `locationReported`). */
  onLocation?(fix: DomainEvents['locationReported']): Promise<void>;
}

const validate = compileValidator(CellularMessage);
// Cycles shown on the device page.
const USAGE_CYCLES = 6;
const DEFAULT_CYCLE_DAY = 1;
const HOUR_MS = 3_600_000;
// A report's own time is used for its signal reading unless the device clock is far off.
const MAX_REPORT_AGE_MS = 7 * 86_400_000;
const MAX_REPORT_AHEAD_MS = 5 * 60_000;

type Fix = NonNullable<CellularInventory['location']>;

/** A repeated report of the same fix is no news; a new time or position is. */
function isNewFix(prev: Fix | null, next: Fix): boolean {
  return !prev || prev.fixAt !== next.fixAt || prev.lat !== next.lat || prev.lon !== next.lon;
}

export function createCellularService(d: CellularDeps): CellularService {
  function detectChanges(deviceId: string, at: string, prev: CellularInventory | undefined, next: CellularInventory) {
    const out: CellularChange[] = [];
    const change = (kind: CellularChange['kind'], oldValue: string | null, newValue: string | null) =>
      out.push({ id: newId('cch'), deviceId, at, kind, oldValue, newValue });
    if (!prev) return out;
    // A SIM that went missing and came back is no swap; a different ICCID is.
    if (prev.iccid && next.iccid && prev.iccid !== next.iccid) change('sim_swap', prev.iccid, next.iccid);
    if (prev.imei && next.imei && prev.imei !== next.imei) change('imei_change', prev.imei, next.imei);
    if (!prev.roaming && next.roaming) change('roaming_start', prev.carrier, next.carrier);
    return out;
  }

  // One report per device at a time: the usage of a report is the difference to the one before.
  const running = new Map<string, Promise<void>>();
  function onReport(deviceId: string, payload: Buffer): Promise<void> {
    const next = (running.get(deviceId) ?? Promise.resolve()).then(() => handleReport(deviceId, payload));
    const settled = next.catch(() => undefined);
    running.set(deviceId, settled);
    void settled.then(() => running.get(deviceId) === settled && running.delete(deviceId));
    return next;
  }

  async function handleReport(deviceId: string, payload: Buffer) {
    const parsed = validate.parse(payload);
    if (!parsed.ok) {
      d.logger.warn({ deviceId, code: parsed.code, message: parsed.message }, 'cellular report rejected');
      return;
    }
    const m = parsed.value;
    const now = d.clock.now();
    const at = now.toISOString();
    const modem = primaryModem(m);
    const signal = modem ? servingSignal(modem) : undefined;
    const prev = await d.inventory.get(deviceId);
    const row: CellularInventory = {
      deviceId,
      updatedAt: at,
      carrier: modem?.operator?.name ?? null,
      mcc: modem?.operator?.mcc ?? null,
      mnc: modem?.operator?.mnc ?? null,
      iccid: modem?.sim?.iccid ?? null,
      imsi: modem?.sim?.imsi ?? null,
      imei: modem?.equipmentId ?? null,
      rat: modem?.rat ?? null,
      rsrp: signal?.rsrp ?? null,
      rsrq: signal?.rsrq ?? null,
      snr: signal?.snr ?? null,
      roaming: modem?.roaming ?? false,
      apn: modem?.apn ?? null,
      modemState: modem?.state ?? null,
      location: m.location
        ? {
            lat: m.location.lat,
            lon: m.location.lon,
            fixAt: new Date(m.location.fixAt).toISOString(),
            accuracyM: m.location.accuracyM ?? null,
          }
        : null,
      modems: m.modems,
    };
    const changes = detectChanges(deviceId, at, prev, row);
    const usage = await usageOf(deviceId, m, now);
    await d.inventory.put(row);
    await d.store.write({ deviceId, at, totals: usage.totals, usage: usage.adds, changes });
    if (signal && (signal.rsrp ?? signal.rsrq ?? signal.snr ?? signal.rssi) !== undefined) {
      const off = m.ts - now.getTime();
      const atMs = off < -MAX_REPORT_AGE_MS || off > MAX_REPORT_AHEAD_MS ? now.getTime() : m.ts;
      await d.history.addSignal({
        deviceId,
        atMs,
        rsrp: signal.rsrp ?? null,
        rsrq: signal.rsrq ?? null,
        snr: signal.snr ?? null,
        rssi: signal.rssi ?? null,
        rat: modem?.rat ?? null,
      });
    }
    const bytes = usage.adds.reduce((n, u) => n + u.rx + u.tx, 0);
    if (bytes > 0) await d.history.addHourly(deviceId, Math.floor(now.getTime() / HOUR_MS) * HOUR_MS, bytes);
    const fix = row.location;
    if (fix && isNewFix(prev?.location ?? null, fix))
      await d.onLocation?.({
        deviceId,
        at,
        lat: fix.lat,
        lon: fix.lon,
        accuracyM: fix.accuracyM,
        fixAt: fix.fixAt ?? at,
      });
    for (const u of usage.adds) {
      const o = await checkOverage(deviceId, u.iccid, now);
      if (o) changes.push(o);
    }
    for (const c of changes) d.onChange?.(c);
  }

  async function usageOf(deviceId: string, m: CellularMessage, now: Date) {
    const known = await d.store.totals(deviceId);
    const simOf = new Map(
      m.modems.filter((x) => x.interface && x.sim?.iccid).map((x) => [x.interface!, x.sim!.iccid!]),
    );
    const totals = [];
    const bySim = new Map<string, { rx: number; tx: number }>();
    for (const i of m.counters.interfaces) {
      const delta = usageDelta(known.get(i.name), { epoch: m.counters.epoch, ...i });
      totals.push({ iface: i.name, epoch: m.counters.epoch, rxTotal: i.rxBytes, txTotal: i.txBytes });
      const iccid = simOf.get(i.name);
      if (!iccid || delta.rx + delta.tx === 0) continue;
      const s = bySim.get(iccid) ?? bySim.set(iccid, { rx: 0, tx: 0 }).get(iccid)!;
      s.rx += delta.rx;
      s.tx += delta.tx;
    }
    const adds = [];
    for (const [iccid, s] of bySim) {
      const day = (await planOf(iccid, deviceId))?.cycleStartDay ?? DEFAULT_CYCLE_DAY;
      adds.push({ iccid, cycleStart: dayKey(cycleOf(now, day).start), ...s });
    }
    return { totals, adds };
  }

  async function checkOverage(deviceId: string, iccid: string, now: Date): Promise<CellularChange | undefined> {
    const plan = await planOf(iccid, deviceId);
    if (!plan) return undefined;
    const cycle = cycleOf(now, plan.cycleStartDay);
    const u = await d.store.usage(iccid, dayKey(cycle.start));
    if (!u || u.overageAlertedAt) return undefined;
    const projected = projectedUse(u.rxBytes + u.txBytes, cycle, now);
    if (projected === undefined || projected <= plan.limitBytes) return undefined;
    const at = now.toISOString();
    if (!(await d.store.markOverage(iccid, u.cycleStart, at))) return undefined;
    const c: CellularChange = {
      id: newId('cch'),
      deviceId,
      at,
      kind: 'overage_projected',
      oldValue: `${iccid}:${plan.limitBytes}`,
      newValue: String(projected),
    };
    await d.store.write({ deviceId, at, totals: [], usage: [], changes: [c] });
    return c;
  }

  async function planOf(iccid: string, deviceId: string): Promise<EffectivePlan | undefined> {
    const own = await d.store.plan(iccid);
    if (own) return effectivePlan(own, [], []);
    const groupPlans = await d.history.groupPlans();
    if (groupPlans.length === 0) return undefined;
    return effectivePlan(undefined, await d.groupsOf(deviceId), groupPlans);
  }

  return {
    onReport,
    planOf,
    async deviceCellular(deviceId) {
      const inventory = await d.inventory.get(deviceId);
      if (!inventory) throw new NotFound('cellular report of device', deviceId);
      const rows = await d.store.usageOfDevice(deviceId, USAGE_CYCLES);
      const usage = [];
      for (const r of rows) {
        const plan = await planOf(r.iccid, deviceId);
        const cycle = cycleOf(new Date(`${r.cycleStart}T00:00:00Z`), plan?.cycleStartDay ?? DEFAULT_CYCLE_DAY);
        usage.push({ ...r, limitBytes: plan?.limitBytes ?? null, cycleEnd: cycle.end.toISOString() });
      }
      const now = d.clock.now();
      const plan = inventory.iccid ? ((await planOf(inventory.iccid, deviceId)) ?? null) : null;
      let current = null;
      if (inventory.iccid) {
        const c = cycleOf(now, plan?.cycleStartDay ?? DEFAULT_CYCLE_DAY);
        const u = await d.store.usage(inventory.iccid, dayKey(c.start));
        const used = u ? u.rxBytes + u.txBytes : 0;
        current = {
          start: c.start.toISOString(),
          end: c.end.toISOString(),
          usedBytes: used,
          projectedBytes: projectedUse(used, c, now) ?? null,
        };
      }
      return { inventory, usage, changes: await d.store.changesOf(deviceId, 50), plan, cycle: current };
    },
    async setPlan(iccid, p) {
      const plan = { iccid, ...p };
      await d.store.setPlan(plan, d.clock.now().toISOString());
      return plan;
    },
    changesSince: (kinds, since, limit) => d.store.changesSince(kinds, since, limit),
  };
}
