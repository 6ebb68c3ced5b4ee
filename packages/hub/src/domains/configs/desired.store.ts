import type { Selectable } from 'kysely';
import type { Db } from '../../storage/database.js';
import { deviceIdsOfModel, type DeviceFacts, type DeviceWhere } from '../devices/index.js';
import type { ConfigDeviceStateTable } from './configs.tables.js';

export type DeviceStateRow = Selectable<ConfigDeviceStateTable>;
/** A state row without its two documents: what computing and stamping need, cheap to read for a whole fleet. */
export type DeviceStateHead = Omit<DeviceStateRow, 'desired_json' | 'reported_json'>;
/** Rows per multi-row INSERT: 6 columns each stay far below SQLite's 32,766 bound variables. */
const ROWS_PER_STATEMENT = 200;

const HEAD_COLUMNS = [
  'device_id',
  'desired_version',
  'desired_hash',
  'published_at',
  'reported_version',
  'reported_at',
  'report_error',
  'report_rev',
  'maintenance_until',
  'maintenance_by',
  'state',
] as const satisfies ReadonlyArray<keyof DeviceStateHead>;

export interface DesiredStore {
  get(deviceId: string): Promise<DeviceStateRow | null>;
  /** The device's state row with the device's model (null when it has no row yet). */
  getWithModel(deviceId: string): Promise<(DeviceStateRow & { model: string | null }) | null>;
  many(deviceIds: string[]): Promise<DeviceStateRow[]>;
  /** The rows of `deviceIds` without their documents. */
  heads(deviceIds: string[]): Promise<DeviceStateHead[]>;
  /** The stored reports of `deviceIds` (devices that never reported are left out). */
  reports(deviceIds: string[]): Promise<Map<string, string>>;
  /** Ids of every device that has (or had) a desired state, in id order after `afterId`. */
  idsPage(afterId: string, limit: number): Promise<string[]>;
  upsert(
    rows: Array<
      Pick<
        DeviceStateRow,
        'device_id' | 'desired_version' | 'desired_hash' | 'desired_json' | 'published_at' | 'maintenance_until'
      >
    >,
  ): Promise<void>;
  markPublished(ids: string[], at: string): Promise<void>;
  setReported(
    deviceId: string,
    patch: Pick<DeviceStateRow, 'reported_version' | 'reported_at' | 'reported_json' | 'report_error'>,
  ): Promise<void>;
  /** Rewrites stored reports in place (their schema check changed); one transaction. */
  setReportedJson(rows: Array<Pick<DeviceStateRow, 'device_id'> & { reported_json: string }>): Promise<void>;
  /** Ids of the devices of one model that have reported, in id order after `afterId`. */
  reportedIdsOfModel(model: string, afterId: string, limit: number): Promise<string[]>;
  ensure(deviceId: string): Promise<void>;
  setMaintenance(deviceId: string, until: string | null, by: string | null): Promise<void>;
  /** Sets the overall states that changed. */
  setState(changed: Array<Pick<DeviceStateRow, 'device_id' | 'state'>>): Promise<void>;
  /** Ids of the active devices a compiled filter chooses, optionally only among `within`. */
  idsWhere: DeviceFacts['activeIdsWhere'];
  models: DeviceFacts['models'];
  names: DeviceFacts['names'];
}

/** What targets need to know of devices, asked of the devices domain. */
export type DesiredStoreDevices = Pick<DeviceFacts, 'activeIdsWhere' | 'models' | 'names'>;

/** Per-device desired state, last report and maintenance window; and the device facts targets need. */
export function createDesiredStore(db: Db, devices: DesiredStoreDevices): DesiredStore {
  return {
    async get(deviceId: string): Promise<DeviceStateRow | null> {
      return (
        (await db.selectFrom('config_device_state').selectAll().where('device_id', '=', deviceId).executeTakeFirst()) ??
        null
      );
    },
    /** The device's state row with the device's model (null when it has no row yet). */
    async getWithModel(deviceId: string): Promise<(DeviceStateRow & { model: string | null }) | null> {
      const row = await this.get(deviceId);
      return row && { ...row, model: (await devices.models([deviceId])).get(deviceId) ?? null };
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
    /** The rows of `deviceIds` without their documents. */
    async heads(deviceIds: string[]): Promise<DeviceStateHead[]> {
      const out: DeviceStateHead[] = [];
      for (let i = 0; i < deviceIds.length; i += 500)
        out.push(
          ...(await db
            .selectFrom('config_device_state')
            .select(HEAD_COLUMNS)
            .where('device_id', 'in', deviceIds.slice(i, i + 500))
            .execute()),
        );
      return out;
    },
    /** The stored reports of `deviceIds` (devices that never reported are left out). */
    async reports(deviceIds: string[]): Promise<Map<string, string>> {
      const out = new Map<string, string>();
      for (let i = 0; i < deviceIds.length; i += 500) {
        const rows = await db
          .selectFrom('config_device_state')
          .select(['device_id', 'reported_json'])
          .where('device_id', 'in', deviceIds.slice(i, i + 500))
          .where('reported_json', 'is not', null)
          .execute();
        for (const r of rows) out.set(r.device_id, r.reported_json!);
      }
      return out;
    },
    /** Ids of every device that has (or had) a desired state, in id order after `afterId`. */
    async idsPage(afterId: string, limit: number): Promise<string[]> {
      const rows = await db
        .selectFrom('config_device_state')
        .select('device_id')
        .where('device_id', '>', afterId)
        .orderBy('device_id')
        .limit(limit)
        .execute();
      return rows.map((r) => r.device_id);
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
      // Many rows per statement (a template over a large fleet writes every device's document); the last row of a
      // device wins, as it did row by row (PostgreSQL refuses a statement that updates one row twice).
      rows = [...new Map(rows.map((r) => [r.device_id, r])).values()];
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT)
          await trx
            .insertInto('config_device_state')
            .values(rows.slice(i, i + ROWS_PER_STATEMENT).map((r) => ({ ...r })))
            .onConflict((oc) =>
              oc.column('device_id').doUpdateSet((eb) => ({
                desired_version: eb.ref('excluded.desired_version'),
                desired_hash: eb.ref('excluded.desired_hash'),
                desired_json: eb.ref('excluded.desired_json'),
                published_at: eb.ref('excluded.published_at'),
              })),
            )
            .execute();
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
      await db
        .updateTable('config_device_state')
        .set((eb) => ({ ...patch, report_rev: eb('report_rev', '+', 1) }))
        .where('device_id', '=', deviceId)
        .execute();
    },
    /** Rewrites stored reports in place (their schema check changed); one transaction. */
    async setReportedJson(rows: Array<{ device_id: string; reported_json: string }>) {
      if (rows.length === 0) return;
      await db.transaction().execute(async (trx) => {
        for (const r of rows)
          await trx
            .updateTable('config_device_state')
            .set((eb) => ({ reported_json: r.reported_json, report_rev: eb('report_rev', '+', 1) }))
            .where('device_id', '=', r.device_id)
            .execute();
      });
    },
    /** Ids of the devices of one model that have reported, in id order after `afterId`. */
    async reportedIdsOfModel(model: string, afterId: string, limit: number): Promise<string[]> {
      const rows = await db
        .selectFrom('config_device_state')
        .select('device_id')
        .where('device_id', 'in', deviceIdsOfModel(model))
        .where('device_id', '>', afterId)
        .where('reported_json', 'is not', null)
        .orderBy('device_id')
        .limit(limit)
        .execute();
      return rows.map((r) => r.device_id);
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
    /** Sets the overall states that changed. */
    async setState(changed: Array<{ device_id: string; state: string | null }>) {
      if (changed.length === 0) return;
      // One statement per state and slice of devices, not one per device.
      const byState = new Map<string | null, string[]>();
      for (const r of changed) (byState.get(r.state) ?? byState.set(r.state, []).get(r.state)!).push(r.device_id);
      await db.transaction().execute(async (trx) => {
        for (const [state, ids] of byState)
          for (let i = 0; i < ids.length; i += 500)
            await trx
              .updateTable('config_device_state')
              .set({ state })
              .where('device_id', 'in', ids.slice(i, i + 500))
              .execute();
      });
    },
    /** Ids of the active devices a compiled filter chooses, optionally only among `within`. */
    idsWhere: (where: DeviceWhere | null, within?: string) => devices.activeIdsWhere(where, within),
    models: (ids: string[]) => devices.models(ids),
    names: (ids: string[]) => devices.names(ids),
  };
}
