import type { CellularChangeView } from '@outpost/protocol';
import type { Db } from '../../storage/database.js';
import type { KnownTotals } from './usage-delta.js';

/** A change of SIM, IMEI or roaming, or a projected overage: the wire's record, stored as is. */
export type CellularChange = CellularChangeView;
export type ChangeKind = CellularChangeView['kind'];

export interface UsageRow {
  iccid: string;
  cycleStart: string;
  deviceId: string;
  rxBytes: number;
  txBytes: number;
  overageAlertedAt: string | null;
}

export interface Plan {
  iccid: string;
  limitBytes: number;
  cycleStartDay: number;
}

/** One report's effect, written in one transaction. */
export interface ReportWrite {
  deviceId: string;
  at: string;
  totals: Array<{ iface: string; epoch: string; rxTotal: number; txTotal: number }>;
  usage: Array<{ iccid: string; cycleStart: string; rx: number; tx: number }>;
  changes: CellularChange[];
}

export interface CellularStore {
  totals(deviceId: string): Promise<Map<string, KnownTotals>>;
  write(w: ReportWrite): Promise<void>;
  usage(iccid: string, cycleStart: string): Promise<UsageRow | undefined>;
  usageOfDevice(deviceId: string, limit: number): Promise<UsageRow[]>;
  /** Marks the cycle's overage alert as fired; false when it had fired already. */
  markOverage(iccid: string, cycleStart: string, at: string): Promise<boolean>;
  plan(iccid: string): Promise<Plan | undefined>;
  setPlan(p: Plan, at: string): Promise<void>;
  /** The distinct cycle start days of the SIM plans. */
  planDays(): Promise<number[]>;
  changesSince(kinds: string[], sinceIso: string, limit: number): Promise<CellularChange[]>;
  changesOf(deviceId: string, limit: number): Promise<CellularChange[]>;
}

const toChange = (r: {
  id: string;
  device_id: string;
  at: string;
  kind: string;
  old_value: string | null;
  new_value: string | null;
}): CellularChange => ({
  id: r.id,
  deviceId: r.device_id,
  at: r.at,
  kind: r.kind as ChangeKind,
  oldValue: r.old_value,
  newValue: r.new_value,
});

const toUsage = (r: {
  iccid: string;
  cycle_start: string;
  device_id: string;
  rx_bytes: number;
  tx_bytes: number;
  overage_alerted_at: string | null;
}): UsageRow => ({
  iccid: r.iccid,
  cycleStart: r.cycle_start,
  deviceId: r.device_id,
  rxBytes: Number(r.rx_bytes),
  txBytes: Number(r.tx_bytes),
  overageAlertedAt: r.overage_alerted_at,
});

export function createCellularStore(db: Db): CellularStore {
  return {
    async totals(deviceId) {
      const rows = await db.selectFrom('cellular_counters').selectAll().where('device_id', '=', deviceId).execute();
      return new Map(
        rows.map((r) => [r.iface, { epoch: r.epoch, rxTotal: Number(r.rx_total), txTotal: Number(r.tx_total) }]),
      );
    },
    async write(w) {
      await db.transaction().execute(async (trx) => {
        for (const t of w.totals) {
          const v = { epoch: t.epoch, rx_total: t.rxTotal, tx_total: t.txTotal };
          await trx
            .insertInto('cellular_counters')
            .values({ device_id: w.deviceId, iface: t.iface, ...v })
            .onConflict((oc) => oc.columns(['device_id', 'iface']).doUpdateSet(v))
            .execute();
        }
        for (const u of w.usage) {
          await trx
            .insertInto('cellular_usage')
            .values({
              iccid: u.iccid,
              cycle_start: u.cycleStart,
              device_id: w.deviceId,
              rx_bytes: u.rx,
              tx_bytes: u.tx,
              updated_at: w.at,
              overage_alerted_at: null,
            })
            .onConflict((oc) =>
              oc.columns(['iccid', 'cycle_start']).doUpdateSet((eb) => ({
                rx_bytes: eb('cellular_usage.rx_bytes', '+', u.rx),
                tx_bytes: eb('cellular_usage.tx_bytes', '+', u.tx),
                device_id: w.deviceId,
                updated_at: w.at,
              })),
            )
            .execute();
        }
        if (w.changes.length)
          await trx
            .insertInto('cellular_changes')
            .values(
              w.changes.map((c) => ({
                id: c.id,
                device_id: c.deviceId,
                at: c.at,
                kind: c.kind,
                old_value: c.oldValue,
                new_value: c.newValue,
              })),
            )
            .execute();
      });
    },
    async usage(iccid, cycleStart) {
      const r = await db
        .selectFrom('cellular_usage')
        .selectAll()
        .where('iccid', '=', iccid)
        .where('cycle_start', '=', cycleStart)
        .executeTakeFirst();
      return r ? toUsage(r) : undefined;
    },
    async usageOfDevice(deviceId, limit) {
      const rows = await db
        .selectFrom('cellular_usage')
        .selectAll()
        .where('device_id', '=', deviceId)
        .orderBy('cycle_start', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toUsage);
    },
    async markOverage(iccid, cycleStart, at) {
      const r = await db
        .updateTable('cellular_usage')
        .set({ overage_alerted_at: at })
        .where('iccid', '=', iccid)
        .where('cycle_start', '=', cycleStart)
        .where('overage_alerted_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async plan(iccid) {
      const r = await db.selectFrom('cellular_plans').selectAll().where('iccid', '=', iccid).executeTakeFirst();
      return r ? { iccid: r.iccid, limitBytes: Number(r.limit_bytes), cycleStartDay: r.cycle_start_day } : undefined;
    },
    async setPlan(p, at) {
      const v = { limit_bytes: p.limitBytes, cycle_start_day: p.cycleStartDay, updated_at: at };
      await db
        .insertInto('cellular_plans')
        .values({ iccid: p.iccid, ...v })
        .onConflict((oc) => oc.column('iccid').doUpdateSet(v))
        .execute();
    },
    async planDays() {
      const rows = await db.selectFrom('cellular_plans').select('cycle_start_day').distinct().execute();
      return rows.map((r) => Number(r.cycle_start_day));
    },
    async changesSince(kinds, sinceIso, limit) {
      if (!kinds.length) return [];
      const rows = await db
        .selectFrom('cellular_changes')
        .selectAll()
        .where('at', '>=', sinceIso)
        .where('kind', 'in', kinds)
        .orderBy('at', 'asc')
        .limit(limit)
        .execute();
      return rows.map(toChange);
    },
    async changesOf(deviceId, limit) {
      const rows = await db
        .selectFrom('cellular_changes')
        .selectAll()
        .where('device_id', '=', deviceId)
        .orderBy('at', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toChange);
    },
  };
}
