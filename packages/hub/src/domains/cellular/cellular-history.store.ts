import { sql } from 'kysely';
import type { Db } from '../../storage/database.js';
import type { CellularGroupPlan, CellularSignalPoint } from '@outpost/protocol';

/** One signal reading as the hub keeps it. */
export interface SignalSample {
  deviceId: string;
  atMs: number;
  rsrp: number | null;
  rsrq: number | null;
  snr: number | null;
  rssi: number | null;
  rat: string | null;
}

/** The readings of one time bucket: means, the weakest RSRP and the number of readings. */
export type SignalBucket = CellularSignalPoint;

/** A device's use in a recent window and in the days before it, for the usage spike rule. */
export interface UsageWindow {
  recentBytes: number;
  baselineBytes: number;
  /** The device's oldest hour on record (ms), so a device without history is not judged. */
  firstHourMs: number;
}

export type GroupPlan = CellularGroupPlan;

export interface CellularHistoryStore {
  addSignal(s: SignalSample): Promise<void>;
  /** Readings of one device in [fromMs, toMs), averaged per bucket of `bucketMs`, oldest first. */
  signal(deviceId: string, fromMs: number, toMs: number, bucketMs: number): Promise<SignalBucket[]>;
  addHourly(deviceId: string, hourMs: number, bytes: number): Promise<void>;
  /** Per device: bytes in [recentFromMs, now) and in [baselineFromMs, recentFromMs). */
  usageWindows(deviceIds: string[], baselineFromMs: number, recentFromMs: number): Promise<Map<string, UsageWindow>>;
  groupPlans(): Promise<GroupPlan[]>;
  setGroupPlan(p: GroupPlan, at: string): Promise<void>;
  deleteGroupPlan(group: string): Promise<boolean>;
  /** Retention: signal readings and hourly usage older than `beforeMs`. */
  deleteBefore(beforeMs: number): Promise<number>;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 10) / 10);

export function createCellularHistoryStore(db: Db): CellularHistoryStore {
  return {
    async addSignal(s) {
      await db
        .insertInto('cellular_signal')
        .values({
          device_id: s.deviceId,
          at_ms: s.atMs,
          rsrp: s.rsrp,
          rsrq: s.rsrq,
          snr: s.snr,
          rssi: s.rssi,
          rat: s.rat,
        })
        .onConflict((oc) => oc.columns(['device_id', 'at_ms']).doNothing())
        .execute();
    },
    async signal(deviceId, fromMs, toMs, bucketMs) {
      // Inlined (a whole number the route computed) so SELECT and GROUP BY hold the same expression on PostgreSQL.
      const bucket = sql<number>`(at_ms / ${sql.lit(Math.trunc(bucketMs))})`;
      const rows = await db
        .selectFrom('cellular_signal')
        .select([
          bucket.as('b'),
          sql<number | null>`avg(rsrp)`.as('rsrp'),
          sql<number | null>`min(rsrp)`.as('rsrp_min'),
          sql<number | null>`avg(rsrq)`.as('rsrq'),
          sql<number | null>`avg(snr)`.as('snr'),
          sql<number | null>`avg(rssi)`.as('rssi'),
          sql<string | null>`max(rat)`.as('rat'),
          sql<number>`count(*)`.as('n'),
        ])
        .where('device_id', '=', deviceId)
        .where('at_ms', '>=', fromMs)
        .where('at_ms', '<', toMs)
        .groupBy(bucket)
        .orderBy(bucket)
        .execute();
      return rows.map((r) => ({
        at: new Date(Number(r.b) * bucketMs).toISOString(),
        rsrp: num(r.rsrp),
        rsrpMin: num(r.rsrp_min),
        rsrq: num(r.rsrq),
        snr: num(r.snr),
        rssi: num(r.rssi),
        rat: r.rat,
        n: Number(r.n),
      }));
    },
    async addHourly(deviceId, hourMs, bytes) {
      await db
        .insertInto('cellular_usage_hourly')
        .values({ device_id: deviceId, hour_ms: hourMs, bytes })
        .onConflict((oc) =>
          oc
            .columns(['device_id', 'hour_ms'])
            .doUpdateSet((eb) => ({ bytes: eb('cellular_usage_hourly.bytes', '+', bytes) })),
        )
        .execute();
    },
    async usageWindows(deviceIds, baselineFromMs, recentFromMs) {
      const out = new Map<string, UsageWindow>();
      for (let i = 0; i < deviceIds.length; i += 500) {
        const rows = await db
          .selectFrom('cellular_usage_hourly')
          .select([
            'device_id',
            sql<number>`sum(CASE WHEN hour_ms >= ${recentFromMs} THEN bytes ELSE 0 END)`.as('recent'),
            sql<number>`sum(CASE WHEN hour_ms < ${recentFromMs} AND hour_ms >= ${baselineFromMs} THEN bytes ELSE 0 END)`.as(
              'baseline',
            ),
            sql<number>`min(hour_ms)`.as('first'),
          ])
          .where('device_id', 'in', deviceIds.slice(i, i + 500))
          .where('hour_ms', '>=', baselineFromMs)
          .groupBy('device_id')
          .execute();
        for (const r of rows)
          out.set(r.device_id, {
            recentBytes: Number(r.recent),
            baselineBytes: Number(r.baseline),
            firstHourMs: Number(r.first),
          });
      }
      return out;
    },
    async groupPlans() {
      const rows = await db.selectFrom('cellular_group_plans').selectAll().orderBy('group_path').execute();
      return rows.map((r) => ({
        group: r.group_path,
        limitBytes: Number(r.limit_bytes),
        cycleStartDay: r.cycle_start_day,
      }));
    },
    async setGroupPlan(p, at) {
      const v = { limit_bytes: p.limitBytes, cycle_start_day: p.cycleStartDay, updated_at: at };
      await db
        .insertInto('cellular_group_plans')
        .values({ group_path: p.group, ...v })
        .onConflict((oc) => oc.column('group_path').doUpdateSet(v))
        .execute();
    },
    async deleteGroupPlan(group) {
      const r = await db.deleteFrom('cellular_group_plans').where('group_path', '=', group).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
    async deleteBefore(beforeMs) {
      const a = await db.deleteFrom('cellular_signal').where('at_ms', '<', beforeMs).executeTakeFirst();
      const b = await db.deleteFrom('cellular_usage_hourly').where('hour_ms', '<', beforeMs).executeTakeFirst();
      return Number(a.numDeletedRows) + Number(b.numDeletedRows);
    },
  };
}
