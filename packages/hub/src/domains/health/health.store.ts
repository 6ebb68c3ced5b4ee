import type { Db } from '../../storage/database.js';
import type { HealthRule } from './health-model.js';

export interface HealthModelRecord {
  model: string;
  rules: HealthRule[];
  updatedBy: string;
  updatedAt: string;
}

export interface HourlyHealth {
  deviceId: string;
  hour: string;
  samples: number;
  stats: Record<string, { avg: number; min: number; max: number }>;
}

export interface HealthStore {
  models(): Promise<HealthModelRecord[]>;
  putModel(m: HealthModelRecord): Promise<void>;
  deleteModel(model: string): Promise<boolean>;
  upsertHourly(rows: HourlyHealth[]): Promise<void>;
  hourly(deviceIds: string[] | null, fromIso: string, toIso: string): Promise<HourlyHealth[]>;
  deleteHourlyBefore(iso: string): Promise<number>;
  getState(key: string): Promise<string | null>;
  setState(key: string, value: string): Promise<void>;
}

export function createHealthStore(db: Db): HealthStore {
  return {
    async models() {
      const rows = await db.selectFrom('health_models').selectAll().orderBy('model').execute();
      return rows.map((r) => ({
        model: r.model,
        rules: JSON.parse(r.rules_json) as HealthRule[],
        updatedBy: r.updated_by,
        updatedAt: r.updated_at,
      }));
    },
    async putModel(m) {
      const row = {
        model: m.model,
        rules_json: JSON.stringify(m.rules),
        updated_by: m.updatedBy,
        updated_at: m.updatedAt,
      };
      await db
        .insertInto('health_models')
        .values(row)
        .onConflict((oc) =>
          oc
            .column('model')
            .doUpdateSet({ rules_json: row.rules_json, updated_by: row.updated_by, updated_at: row.updated_at }),
        )
        .execute();
    },
    async deleteModel(model) {
      const [r] = await db.deleteFrom('health_models').where('model', '=', model).execute();
      return Number(r?.numDeletedRows ?? 0) > 0;
    },
    async upsertHourly(rows) {
      if (rows.length === 0) return;
      await db.transaction().execute(async (trx) => {
        for (const r of rows) {
          const v = { device_id: r.deviceId, hour: r.hour, samples: r.samples, stats_json: JSON.stringify(r.stats) };
          await trx
            .insertInto('health_hourly')
            .values(v)
            .onConflict((oc) =>
              oc.columns(['device_id', 'hour']).doUpdateSet({ samples: v.samples, stats_json: v.stats_json }),
            )
            .execute();
        }
      });
    },
    async hourly(deviceIds, fromIso, toIso) {
      let q = db
        .selectFrom('health_hourly')
        .selectAll()
        .where('hour', '>=', fromIso)
        .where('hour', '<', toIso)
        .orderBy('device_id')
        .orderBy('hour');
      if (deviceIds) {
        if (deviceIds.length === 0) return [];
        q = q.where('device_id', 'in', deviceIds);
      }
      return (await q.execute()).map((r) => ({
        deviceId: r.device_id,
        hour: r.hour,
        samples: r.samples,
        stats: JSON.parse(r.stats_json) as HourlyHealth['stats'],
      }));
    },
    async deleteHourlyBefore(iso) {
      const [r] = await db.deleteFrom('health_hourly').where('hour', '<', iso).execute();
      return Number(r?.numDeletedRows ?? 0);
    },
    async getState(key) {
      return (
        (await db.selectFrom('monitoring_state').select('value').where('key', '=', key).executeTakeFirst())?.value ??
        null
      );
    },
    async setState(key, value) {
      await db
        .insertInto('monitoring_state')
        .values({ key, value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
        .execute();
    },
  };
}
