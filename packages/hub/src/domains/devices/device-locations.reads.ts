import type { Db } from '../../storage/database.js';
import { lazyJson, type DeviceSnapshot } from './fleet-snapshot.store.js';
import type { DeviceWhere } from './devices.types.js';

/** A located device: what the map draws and what its health verdict needs. */
export interface LocatedDevice {
  lat: number;
  lon: number;
  snapshot: Pick<DeviceSnapshot, 'id' | 'name' | 'model' | 'presence' | 'healthAt' | 'healthIntervalS' | 'health'>;
}

/** The last known position of devices, from the cellular inventory, for the map. */
export interface DeviceLocations {
  /**
   * Devices the condition selects that have a position, decommissioned ones left out, ordered by
   * id, at most `limit`; their last health report is read only when `withHealth`.
   */
  located(where: DeviceWhere | null, limit: number, withHealth: boolean): Promise<LocatedDevice[]>;
}

export function createDeviceLocations(db: Db): DeviceLocations {
  return {
    async located(where, limit, withHealth) {
      let q = db
        .selectFrom('devices')
        .innerJoin('device_cellular as dc', 'dc.device_id', 'devices.id')
        .select([
          'devices.id',
          'devices.name',
          'devices.model',
          'devices.presence',
          'devices.health_at',
          'devices.health_interval_s',
          'dc.lat',
          'dc.lon',
        ])
        .$if(withHealth, (qb) => qb.select('devices.health_json'))
        .where('devices.decommissioned', '=', 0)
        .where('dc.lat', 'is not', null)
        .where('dc.lon', 'is not', null)
        .orderBy('devices.id')
        .limit(limit);
      if (where) q = q.where(where);
      const rows = await q.execute();
      return rows.map((r) => ({
        lat: r.lat!,
        lon: r.lon!,
        snapshot: {
          id: r.id,
          name: r.name,
          model: r.model,
          presence: r.presence,
          healthAt: r.health_at,
          healthIntervalS: r.health_interval_s,
          health: lazyJson('health_json' in r ? (r.health_json ?? null) : null),
        },
      }));
    },
  };
}
