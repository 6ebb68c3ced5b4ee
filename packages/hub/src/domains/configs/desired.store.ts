import type { Db } from '../../storage/database.js';
import type { DeviceWhere } from '../devices/index.js';
import type { ConfigDeviceStateTable } from './configs.tables.js';

export type DeviceStateRow = ConfigDeviceStateTable;

export type DesiredStore = ReturnType<typeof createDesiredStore>;

/** Per-device desired state, last report and maintenance window; and the device queries targets need. */
export function createDesiredStore(db: Db) {
  return {
    async get(deviceId: string): Promise<DeviceStateRow | null> {
      return (
        (await db.selectFrom('config_device_state').selectAll().where('device_id', '=', deviceId).executeTakeFirst()) ??
        null
      );
    },
    /** The device's state row with the device's model (null when it has no row yet). */
    async getWithModel(deviceId: string): Promise<(DeviceStateRow & { model: string | null }) | null> {
      return (
        (await db
          .selectFrom('config_device_state')
          .leftJoin('devices', 'devices.id', 'config_device_state.device_id')
          .selectAll('config_device_state')
          .select('devices.model')
          .where('config_device_state.device_id', '=', deviceId)
          .executeTakeFirst()) ?? null
      );
    },
    async many(deviceIds: string[]): Promise<DeviceStateRow[]> {
      const out: DeviceStateRow[] = [];
      for (let i = 0; i < deviceIds.length; i += 500) {
        out.push(
          ...(await db
            .selectFrom('config_device_state')
            .selectAll()
            .where('device_id', 'in', deviceIds.slice(i, i + 500))
            .execute()),
        );
      }
      return out;
    },
    /** Every device that has (or had) a desired state, in pages. */
    async page(afterId: string, limit: number): Promise<DeviceStateRow[]> {
      return db
        .selectFrom('config_device_state')
        .selectAll()
        .where('device_id', '>', afterId)
        .orderBy('device_id')
        .limit(limit)
        .execute();
    },
    async upsert(
      rows: Array<
        Pick<
          DeviceStateRow,
          'device_id' | 'desired_version' | 'desired_hash' | 'desired_json' | 'published_at' | 'maintenance_until'
        >
      >,
    ) {
      if (rows.length === 0) return;
      await db.transaction().execute(async (trx) => {
        for (const r of rows) {
          await trx
            .insertInto('config_device_state')
            .values({ ...r })
            .onConflict((oc) =>
              oc.column('device_id').doUpdateSet({
                desired_version: r.desired_version,
                desired_hash: r.desired_hash,
                desired_json: r.desired_json,
                published_at: r.published_at,
              }),
            )
            .execute();
        }
      });
    },
    async markPublished(ids: string[], at: string) {
      for (let i = 0; i < ids.length; i += 500)
        await db
          .updateTable('config_device_state')
          .set({ published_at: at })
          .where('device_id', 'in', ids.slice(i, i + 500))
          .execute();
    },
    async setReported(
      deviceId: string,
      patch: Pick<DeviceStateRow, 'reported_version' | 'reported_at' | 'reported_json' | 'report_error'>,
    ) {
      await db.updateTable('config_device_state').set(patch).where('device_id', '=', deviceId).execute();
    },
    /** Rewrites stored reports in place (their schema check changed); one transaction. */
    async setReportedJson(rows: Array<{ device_id: string; reported_json: string }>) {
      if (rows.length === 0) return;
      await db.transaction().execute(async (trx) => {
        for (const r of rows)
          await trx
            .updateTable('config_device_state')
            .set({ reported_json: r.reported_json })
            .where('device_id', '=', r.device_id)
            .execute();
      });
    },
    /** Ids of the devices of one model that have reported, in id order after `afterId`. */
    async reportedIdsOfModel(model: string, afterId: string, limit: number): Promise<string[]> {
      const rows = await db
        .selectFrom('devices')
        .innerJoin('config_device_state', 'config_device_state.device_id', 'devices.id')
        .select('devices.id')
        .where('devices.model', '=', model)
        .where('devices.id', '>', afterId)
        .where('config_device_state.reported_json', 'is not', null)
        .orderBy('devices.id')
        .limit(limit)
        .execute();
      return rows.map((r) => r.id);
    },
    async ensure(deviceId: string) {
      await db
        .insertInto('config_device_state')
        .values({ device_id: deviceId, desired_version: 0, desired_hash: '', desired_json: '{"e":{},"files":{}}' })
        .onConflict((oc) => oc.column('device_id').doNothing())
        .execute();
    },
    async setMaintenance(deviceId: string, until: string | null, by: string | null) {
      await this.ensure(deviceId);
      await db
        .updateTable('config_device_state')
        .set({ maintenance_until: until, maintenance_by: by })
        .where('device_id', '=', deviceId)
        .execute();
    },
    /** Sets the states that changed and stamps every listed device as checked. */
    async setState(changed: Array<{ device_id: string; state: string | null }>, checked: string[], at: string) {
      await db.transaction().execute(async (trx) => {
        for (const r of changed)
          await trx
            .updateTable('config_device_state')
            .set({ state: r.state })
            .where('device_id', '=', r.device_id)
            .execute();
        for (let i = 0; i < checked.length; i += 500)
          await trx
            .updateTable('config_device_state')
            .set({ checked_at: at })
            .where('device_id', 'in', checked.slice(i, i + 500))
            .execute();
      });
    },
    /** Ids of the devices a compiled filter chooses, optionally only among `within`. */
    async idsWhere(where: DeviceWhere | null, within?: string): Promise<string[]> {
      let q = db.selectFrom('devices').select('id').where('decommissioned', '=', 0);
      if (where) q = q.where(where);
      if (within !== undefined) q = q.where('id', '=', within);
      return (await q.execute()).map((r) => r.id);
    },
    async models(ids: string[]): Promise<Map<string, string | null>> {
      const out = new Map<string, string | null>();
      for (let i = 0; i < ids.length; i += 500) {
        for (const r of await db
          .selectFrom('devices')
          .select(['id', 'model'])
          .where('id', 'in', ids.slice(i, i + 500))
          .execute())
          out.set(r.id, r.model);
      }
      return out;
    },
    async names(ids: string[]): Promise<Map<string, string>> {
      const out = new Map<string, string>();
      for (let i = 0; i < ids.length; i += 500) {
        for (const r of await db
          .selectFrom('devices')
          .select(['id', 'name'])
          .where('id', 'in', ids.slice(i, i + 500))
          .execute())
          out.set(r.id, r.name);
      }
      return out;
    },
  };
}
