import type { LocationPoint } from '@outpost/protocol';
import type { Db } from '../../storage/database.js';

export interface LocationFix extends LocationPoint {
  deviceId: string;
}

export interface LocationStore {
  /** The device's newest stored point (null before the first). */
  last(deviceId: string): Promise<LocationPoint | null>;
  /** How many points the device has stored in [from, to). */
  countBetween(deviceId: string, fromIso: string, toIso: string): Promise<number>;
  /** Stores a point; false when the device already has one at that time. */
  add(p: LocationFix): Promise<boolean>;
  /** Points in [from, to), oldest first, at most `limit`. */
  range(deviceId: string, fromIso: string, toIso: string, limit: number): Promise<LocationPoint[]>;
  deleteBefore(iso: string): Promise<number>;
  setting(key: string): Promise<string | null>;
  putSetting(key: string, value: string | null, at: string, by: string): Promise<void>;
}

const toPoint = (r: { at: string; lat: number; lon: number; accuracy_m: number | null }): LocationPoint => ({
  at: r.at,
  lat: Number(r.lat),
  lon: Number(r.lon),
  accuracyM: r.accuracy_m === null ? null : Number(r.accuracy_m),
});

export function createLocationStore(db: Db): LocationStore {
  return {
    async last(deviceId) {
      const r = await db
        .selectFrom('location_history')
        .select(['at', 'lat', 'lon', 'accuracy_m'])
        .where('device_id', '=', deviceId)
        .orderBy('at', 'desc')
        .limit(1)
        .executeTakeFirst();
      return r ? toPoint(r) : null;
    },
    async countBetween(deviceId, fromIso, toIso) {
      const r = await db
        .selectFrom('location_history')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('device_id', '=', deviceId)
        .where('at', '>=', fromIso)
        .where('at', '<', toIso)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    async add(p) {
      const r = await db
        .insertInto('location_history')
        .values({ device_id: p.deviceId, at: p.at, lat: p.lat, lon: p.lon, accuracy_m: p.accuracyM })
        .onConflict((oc) => oc.columns(['device_id', 'at']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async range(deviceId, fromIso, toIso, limit) {
      const rows = await db
        .selectFrom('location_history')
        .select(['at', 'lat', 'lon', 'accuracy_m'])
        .where('device_id', '=', deviceId)
        .where('at', '>=', fromIso)
        .where('at', '<', toIso)
        .orderBy('at')
        .limit(limit)
        .execute();
      return rows.map(toPoint);
    },
    async deleteBefore(iso) {
      const r = await db.deleteFrom('location_history').where('at', '<', iso).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
    async setting(key) {
      const r = await db.selectFrom('map_settings').select('value').where('key', '=', key).executeTakeFirst();
      return r?.value ?? null;
    },
    async putSetting(key, value, at, by) {
      if (value === null) {
        await db.deleteFrom('map_settings').where('key', '=', key).execute();
        return;
      }
      await db
        .insertInto('map_settings')
        .values({ key, value, updated_at: at, updated_by: by })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: at, updated_by: by }))
        .execute();
    },
  };
}
