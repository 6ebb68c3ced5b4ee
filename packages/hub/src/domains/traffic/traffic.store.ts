import { sql } from 'kysely';
import { deleteTimeSeriesBefore } from '../../storage/time-partitions.js';
import type { TrafficPort } from '@outpost/protocol';
import type { Db } from '../../storage/database.js';
import { deviceIdsWhere, type DeviceWhere } from '../devices/index.js';

export interface SampleRow {
  deviceId: string;
  ts: string;
  hour: string;
  how: number;
  periodS: number;
  rxBytes: number;
  txBytes: number;
  rxPackets: number;
  txPackets: number;
}

/** A protocol/port row as stored: the API shape (`TrafficPort`) itself. */
export type PortRow = TrafficPort;

export interface TrafficStore {
  /** Raw samples and their hourly roll-up, in one transaction per batch. */
  writeSamples(rows: SampleRow[]): Promise<void>;
  firstSeen(deviceId: string, nowIso: string): Promise<string>;
  ports(deviceId: string): Promise<PortRow[]>;
  upsertPorts(rows: PortRow[]): Promise<void>;
  newPortsSince(sinceIso: string): Promise<
    {
      proto: string;
      port: number;
      dir: string;
      device_id: string;
      first_seen: string;
    }[]
  >;
  /** Bytes per second of each past hour of one device, with at least `minSeconds` of data. */
  hourlyRates(
    deviceId: string,
    fromIso: string,
    toIso: string,
    minSeconds: number,
  ): Promise<
    {
      hour: string;
      how: number;
      rate: number;
    }[]
  >;
  hourly(
    deviceId: string,
    fromIso: string,
  ): Promise<
    {
      bytes: number;
      packets: number;
      hour: string;
      seconds: number;
    }[]
  >;
  /** Fleet traffic per hour and per device over a period, for reports. */
  summary(
    fromIso: string,
    toIso: string,
    where: DeviceWhere | null,
  ): Promise<{
    byHour: {
      hour: string;
      bytes: number;
    }[];
    byDevice: Map<string, number>;
  }>;
  deleteSamplesBefore(iso: string): Promise<number>;
  deleteHourlyBefore(iso: string): Promise<number>;
}

export function createTrafficStore(db: Db): TrafficStore {
  return {
    /** Raw samples and their hourly roll-up, in one transaction per batch. */
    async writeSamples(rows: SampleRow[]) {
      if (rows.length === 0) return;
      await db.transaction().execute(async (trx) => {
        for (let k = 0; k < rows.length; k += 500) {
          await trx
            .insertInto('traffic_samples')
            .values(
              rows.slice(k, k + 500).map((r) => ({
                device_id: r.deviceId,
                ts: r.ts,
                period_s: r.periodS,
                rx_bytes: r.rxBytes,
                tx_bytes: r.txBytes,
                rx_packets: r.rxPackets,
                tx_packets: r.txPackets,
              })),
            )
            .execute();
        }
        for (const r of rows) {
          const bytes = r.rxBytes + r.txBytes;
          const packets = r.rxPackets + r.txPackets;
          await trx
            .insertInto('traffic_hourly')
            .values({ device_id: r.deviceId, hour: r.hour, how: r.how, bytes, packets, seconds: r.periodS, samples: 1 })
            .onConflict((oc) =>
              oc.columns(['device_id', 'hour']).doUpdateSet((eb) => ({
                bytes: sql`${eb.ref('traffic_hourly.bytes')} + ${bytes}`,
                packets: sql`${eb.ref('traffic_hourly.packets')} + ${packets}`,
                seconds: sql`${eb.ref('traffic_hourly.seconds')} + ${r.periodS}`,
                samples: sql`${eb.ref('traffic_hourly.samples')} + 1`,
              })),
            )
            .execute();
        }
      });
    },
    async firstSeen(deviceId: string, nowIso: string): Promise<string> {
      await db
        .insertInto('traffic_devices')
        .values({ device_id: deviceId, first_seen: nowIso })
        .onConflict((oc) => oc.column('device_id').doNothing())
        .execute();
      return (
        await db
          .selectFrom('traffic_devices')
          .select('first_seen')
          .where('device_id', '=', deviceId)
          .executeTakeFirstOrThrow()
      ).first_seen;
    },
    async ports(deviceId: string): Promise<PortRow[]> {
      const rows = await db
        .selectFrom('traffic_ports')
        .selectAll()
        .where('device_id', '=', deviceId)
        .orderBy('proto')
        .orderBy('port')
        .execute();
      return rows.map((r) => ({
        deviceId: r.device_id,
        proto: r.proto,
        port: r.port,
        dir: r.dir,
        firstSeen: r.first_seen,
        lastSeen: r.last_seen,
        novel: r.novel === 1,
        bytes: r.bytes,
      }));
    },
    async upsertPorts(rows: PortRow[]) {
      if (rows.length === 0) return;
      await db.transaction().execute(async (trx) => {
        for (const p of rows) {
          await trx
            .insertInto('traffic_ports')
            .values({
              device_id: p.deviceId,
              proto: p.proto,
              port: p.port,
              dir: p.dir,
              first_seen: p.firstSeen,
              last_seen: p.lastSeen,
              novel: p.novel ? 1 : 0,
              bytes: p.bytes,
            })
            .onConflict((oc) =>
              oc.columns(['device_id', 'proto', 'port', 'dir']).doUpdateSet({ last_seen: p.lastSeen, bytes: p.bytes }),
            )
            .execute();
        }
      });
    },
    async newPortsSince(sinceIso: string) {
      return db
        .selectFrom('traffic_ports')
        .select(['device_id', 'proto', 'port', 'dir', 'first_seen'])
        .where('novel', '=', 1)
        .where('first_seen', '>=', sinceIso)
        .orderBy('first_seen')
        .execute();
    },
    /** Bytes per second of each past hour of one device, with at least `minSeconds` of data. */
    async hourlyRates(deviceId: string, fromIso: string, toIso: string, minSeconds: number) {
      const rows = await db
        .selectFrom('traffic_hourly')
        .select(['hour', 'how', 'bytes', 'seconds'])
        .where('device_id', '=', deviceId)
        .where('hour', '>=', fromIso)
        .where('hour', '<', toIso)
        .where('seconds', '>=', minSeconds)
        .execute();
      return rows.map((r) => ({ hour: r.hour, how: r.how, rate: r.bytes / r.seconds }));
    },
    async hourly(deviceId: string, fromIso: string) {
      return db
        .selectFrom('traffic_hourly')
        .select(['hour', 'bytes', 'packets', 'seconds'])
        .where('device_id', '=', deviceId)
        .where('hour', '>=', fromIso)
        .orderBy('hour')
        .execute();
    },
    /** Fleet traffic per hour and per device over a period, for reports. */
    async summary(fromIso: string, toIso: string, where: DeviceWhere | null) {
      let byHour = db
        .selectFrom('traffic_hourly')
        .select(['hour', (e) => e.fn.sum<number>('bytes').as('bytes')])
        .where('hour', '>=', fromIso)
        .where('hour', '<', toIso)
        .groupBy('hour')
        .orderBy('hour');
      let byDevice = db
        .selectFrom('traffic_hourly')
        .select(['device_id', (e) => e.fn.sum<number>('bytes').as('bytes')])
        .where('hour', '>=', fromIso)
        .where('hour', '<', toIso)
        .groupBy('device_id');
      if (where) {
        byHour = byHour.where('device_id', 'in', deviceIdsWhere(where));
        byDevice = byDevice.where('device_id', 'in', deviceIdsWhere(where));
      }
      const [h, dv] = await Promise.all([byHour.execute(), byDevice.execute()]);
      return {
        byHour: h.map((r) => ({ hour: r.hour, bytes: Number(r.bytes) })),
        byDevice: new Map(dv.map((r) => [r.device_id, Number(r.bytes)])),
      };
    },
    async deleteSamplesBefore(iso: string) {
      // PostgreSQL drops whole day partitions (storage/time-partitions.ts).
      return deleteTimeSeriesBefore(db, 'traffic_samples', Date.parse(iso));
    },
    async deleteHourlyBefore(iso: string) {
      const [r] = await db.deleteFrom('traffic_hourly').where('hour', '<', iso).execute();
      return Number(r?.numDeletedRows ?? 0);
    },
  };
}
