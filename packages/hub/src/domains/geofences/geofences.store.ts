import type { Geofence, GeofenceShape } from '@outpost/protocol';
import type { Db } from '../../storage/database.js';
import type { GeofenceSidesTable, GeofencesTable } from './geofences.tables.js';

/** A fence as stored: the API's view plus the groups of the scoped caller who made it. */
export interface StoredGeofence extends Geofence {
  within: string[] | null;
}

/** The side of one fence one device was last seen on. */
export interface SideRow {
  fenceId: string;
  deviceId: string;
  side: 'inside' | 'outside';
  /** Reached by a crossing (true), or the first fix's side (false). */
  crossed: boolean;
  fixAt: string;
  changedAt: string;
}

function fromRow(r: GeofencesTable): StoredGeofence {
  return {
    id: r.id,
    name: r.name,
    group: r.group_path,
    deviceId: r.device_id,
    shape: JSON.parse(r.shape_json) as GeofenceShape,
    within: r.within_json ? (JSON.parse(r.within_json) as string[]) : null,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toRow(f: StoredGeofence): GeofencesTable {
  return {
    id: f.id,
    name: f.name,
    group_path: f.group,
    device_id: f.deviceId,
    shape_json: JSON.stringify(f.shape),
    within_json: f.within && f.within.length ? JSON.stringify(f.within) : null,
    created_by: f.createdBy,
    created_at: f.createdAt,
    updated_at: f.updatedAt,
  };
}

const sideOf = (r: GeofenceSidesTable): SideRow => ({
  fenceId: r.fence_id,
  deviceId: r.device_id,
  side: r.side,
  crossed: Number(r.crossed) === 1,
  fixAt: r.fix_at,
  changedAt: r.changed_at,
});

export interface GeofencesStore {
  list(): Promise<StoredGeofence[]>;
  count(): Promise<number>;
  get(id: string): Promise<StoredGeofence | null>;
  byName(name: string): Promise<StoredGeofence | null>;
  insert(f: StoredGeofence): Promise<void>;
  /** Writes the fence; a changed shape forgets every device's side (the next fix records it again). */
  update(f: StoredGeofence, shapeChanged: boolean): Promise<void>;
  remove(id: string): Promise<void>;
  /** One device's sides, by fence. */
  sidesOf(deviceId: string): Promise<Map<string, SideRow>>;
  /** Sides reached by a crossing, of the given fences (null: every fence). */
  crossedSides(fenceIds: readonly string[] | null): Promise<SideRow[]>;
  /** Writes the sides one fix decided, together. */
  putSides(rows: readonly SideRow[]): Promise<void>;
}

export function createGeofencesStore(db: Db): GeofencesStore {
  return {
    async list(): Promise<StoredGeofence[]> {
      return (await db.selectFrom('geofences').selectAll().orderBy('name').execute()).map(fromRow);
    },
    async count(): Promise<number> {
      const r = await db
        .selectFrom('geofences')
        .select((e) => e.fn.countAll<number>().as('n'))
        .executeTakeFirst();
      return Number(r?.n ?? 0);
    },
    async get(id: string): Promise<StoredGeofence | null> {
      const r = await db.selectFrom('geofences').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? fromRow(r) : null;
    },
    async byName(name: string): Promise<StoredGeofence | null> {
      const r = await db.selectFrom('geofences').selectAll().where('name', '=', name).executeTakeFirst();
      return r ? fromRow(r) : null;
    },
    async insert(f: StoredGeofence): Promise<void> {
      await db.insertInto('geofences').values(toRow(f)).execute();
    },
    /** Writes the fence; a changed shape forgets every device's side (the next fix records it again). */
    async update(f: StoredGeofence, shapeChanged: boolean): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const { id: _id, ...row } = toRow(f);
        await trx.updateTable('geofences').set(row).where('id', '=', f.id).execute();
        if (shapeChanged) await trx.deleteFrom('geofence_sides').where('fence_id', '=', f.id).execute();
      });
    },
    async remove(id: string): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('geofence_sides').where('fence_id', '=', id).execute();
        await trx.deleteFrom('geofences').where('id', '=', id).execute();
      });
    },
    /** One device's sides, by fence. */
    async sidesOf(deviceId: string): Promise<Map<string, SideRow>> {
      const rows = await db.selectFrom('geofence_sides').selectAll().where('device_id', '=', deviceId).execute();
      return new Map(rows.map((r) => [r.fence_id, sideOf(r)]));
    },
    /** Sides reached by a crossing, of the given fences (null: every fence). */
    async crossedSides(fenceIds: readonly string[] | null): Promise<SideRow[]> {
      if (fenceIds && fenceIds.length === 0) return [];
      let q = db.selectFrom('geofence_sides').selectAll().where('crossed', '=', 1);
      if (fenceIds) q = q.where('fence_id', 'in', [...fenceIds]);
      return (await q.execute()).map(sideOf);
    },
    /** Writes the sides one fix decided, together. */
    async putSides(rows: readonly SideRow[]): Promise<void> {
      if (rows.length === 0) return;
      await db.transaction().execute(async (trx) => {
        for (const r of rows) {
          const values = {
            side: r.side,
            crossed: r.crossed ? 1 : 0,
            fix_at: r.fixAt,
            changed_at: r.changedAt,
          };
          await trx
            .insertInto('geofence_sides')
            .values({ fence_id: r.fenceId, device_id: r.deviceId, ...values })
            .onConflict((oc) => oc.columns(['fence_id', 'device_id']).doUpdateSet(values))
            .execute();
        }
      });
    },
  };
}
