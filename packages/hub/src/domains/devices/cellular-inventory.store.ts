import type { CellModem, CellularMessage, CellularInventory } from '@outpost/protocol';
import { sql } from 'kysely';
import type { Db } from '../../storage/database.js';
import type { DeviceCellularTable } from './device-cellular.tables.js';

/** What other domains may do with the cellular inventory: the cellular domain writes, anyone reads. */
export interface CellularInventoryStore {
  get(deviceId: string): Promise<CellularInventory | undefined>;
  /** The serving RSRP each of these devices last reported (devices without one are left out). */
  rsrpOf(deviceIds: string[]): Promise<Map<string, number>>;
  /** Replaces the device's row; a report without a fix keeps the last known position. */
  put(row: Omit<CellularInventory, 'location'> & { location: CellularInventory['location'] | null }): Promise<void>;
}

/** The modem the inventory files: the first with a SIM, else the first; its serving signal is the newest technology's. */
export function primaryModem(msg: Pick<CellularMessage, 'modems'>): CellModem | undefined {
  return msg.modems.find((m) => m.sim?.iccid) ?? msg.modems[0];
}

export function servingSignal(m: CellModem) {
  const s = m.signal;
  return (m.rat === '5g-sa' ? s?.nr5g : undefined) ?? s?.lte ?? s?.nr5g ?? s?.umts ?? s?.gsm;
}

function toRow(r: DeviceCellularTable): CellularInventory {
  return {
    deviceId: r.device_id,
    updatedAt: r.updated_at,
    carrier: r.carrier,
    mcc: r.mcc,
    mnc: r.mnc,
    iccid: r.iccid,
    imsi: r.imsi,
    imei: r.imei,
    rat: r.rat,
    rsrp: r.rsrp,
    rsrq: r.rsrq,
    snr: r.snr,
    roaming: r.roaming === 1,
    apn: r.apn,
    modemState: r.modem_state,
    location:
      r.lat === null || r.lon === null ? null : { lat: r.lat, lon: r.lon, fixAt: r.fix_at, accuracyM: r.accuracy_m },
    modems: JSON.parse(r.modems_json) as CellModem[],
  };
}

export function createCellularInventory(db: Db): CellularInventoryStore {
  return {
    async get(deviceId) {
      const r = await db.selectFrom('device_cellular').selectAll().where('device_id', '=', deviceId).executeTakeFirst();
      return r ? toRow(r) : undefined;
    },
    async rsrpOf(deviceIds) {
      const wanted = new Set(deviceIds);
      const rows = await db
        .selectFrom('device_cellular')
        .select(['device_id', 'rsrp'])
        .where('rsrp', 'is not', null)
        .execute();
      return new Map(rows.filter((r) => wanted.has(r.device_id)).map((r) => [r.device_id, r.rsrp!]));
    },
    async put(row) {
      const values = {
        updated_at: row.updatedAt,
        carrier: row.carrier,
        mcc: row.mcc,
        mnc: row.mnc,
        iccid: row.iccid,
        imsi: row.imsi,
        imei: row.imei,
        rat: row.rat,
        rsrp: row.rsrp,
        rsrq: row.rsrq,
        snr: row.snr,
        roaming: row.roaming ? 1 : 0,
        apn: row.apn,
        modem_state: row.modemState,
        modems_json: JSON.stringify(row.modems),
        ...(row.location
          ? {
              lat: row.location.lat,
              lon: row.location.lon,
              fix_at: row.location.fixAt,
              accuracy_m: row.location.accuracyM,
            }
          : {}),
      };
      await db
        .insertInto('device_cellular')
        .values({ device_id: row.deviceId, lat: null, lon: null, fix_at: null, accuracy_m: null, ...values })
        .onConflict((oc) => oc.column('device_id').doUpdateSet(values))
        .execute();
    },
  };
}

/** Scalar subquery: the carrier the device whose id is in column `idColumn` last reported (null if none). */
export function cellularCarrierOf(idColumn: string) {
  return sql<
    string | null
  >`(SELECT c.carrier FROM ${sql.table('device_cellular')} c WHERE c.device_id = ${sql.ref(idColumn)})`;
}
