import { sql } from 'kysely';
import type { Db } from '../../storage/database.js';
import { cellularCarrierOf, deviceIdsWhere, deviceNameOf, type DeviceWhere } from '../devices/index.js';
import { firstGroupPathOf, staticMembership } from '../groups/index.js';

/** One SIM's row of one cycle, with what the report shows beside it. */
export interface UsageReportRow {
  iccid: string;
  cycleStart: string;
  deviceId: string;
  deviceName: string | null;
  carrier: string | null;
  group: string | null;
  usedBytes: number;
  simPlan: { limitBytes: number; cycleStartDay: number } | null;
}

export interface UsageReportStore {
  /** Usage rows of the given cycles for the devices `where` selects (every device when null), by ICCID. */
  rows(cycleStarts: string[], where: DeviceWhere | null): Promise<UsageReportRow[]>;
  /** Of those rows' devices, the ones in the static group `group` or below it. */
  devicesInGroup(cycleStarts: string[], group: string): Promise<Set<string>>;
}

export function createUsageReportStore(db: Db): UsageReportStore {
  return {
    async rows(cycleStarts, where) {
      if (cycleStarts.length === 0) return [];
      let q = db
        .selectFrom('cellular_usage as u')
        .leftJoin('cellular_plans as p', 'p.iccid', 'u.iccid')
        .select([
          'u.iccid',
          'u.cycle_start',
          'u.device_id',
          sql<number>`u.rx_bytes + u.tx_bytes`.as('used'),
          'p.limit_bytes',
          'p.cycle_start_day',
          deviceNameOf('u.device_id').as('device_name'),
          cellularCarrierOf('u.device_id').as('carrier'),
          firstGroupPathOf('u.device_id').as('group_path'),
        ])
        .where('u.cycle_start', 'in', cycleStarts);
      if (where) q = q.where('u.device_id', 'in', deviceIdsWhere(where));
      const rows = await q.orderBy('u.iccid').orderBy('u.cycle_start').execute();
      return rows.map((r) => ({
        iccid: r.iccid,
        cycleStart: r.cycle_start,
        deviceId: r.device_id,
        deviceName: r.device_name,
        carrier: r.carrier,
        group: r.group_path,
        usedBytes: Number(r.used),
        simPlan:
          r.limit_bytes === null || r.cycle_start_day === null
            ? null
            : { limitBytes: Number(r.limit_bytes), cycleStartDay: Number(r.cycle_start_day) },
      }));
    },
    async devicesInGroup(cycleStarts, group) {
      if (cycleStarts.length === 0) return new Set();
      const rows = await db
        .selectFrom('cellular_usage')
        .select('device_id')
        .distinct()
        .where('cycle_start', 'in', cycleStarts)
        .where('device_id', 'in', deviceIdsWhere(staticMembership(group)))
        .execute();
      return new Set(rows.map((r) => r.device_id));
    },
  };
}
