import { sql } from 'kysely';
import type { Db } from '../../../storage/database.js';
import { deviceIdsWhere, type DeviceWhere } from '../../devices/index.js';
import type {
  ConfigComplianceTable,
  ConfigIncidentsTable,
  ConfigHistoryTable,
  ConfigEventsTable,
} from '../configs.tables.js';

export type ComplianceRowDb = ConfigComplianceTable;
export type IncidentRow = ConfigIncidentsTable;

export interface RowQuery {
  state?: string;
  templateId?: string;
  deviceIds?: string[];
  afterKey?: { deviceId: string; templateId: string };
  limit: number;
}

export interface ComplianceStore {
  rowsOf(deviceIds: string[]): Promise<ComplianceRowDb[]>;
  /** Writes changed rows, drops rows of sources that no longer apply, and stamps the rest as checked; one transaction. */
  applyRows(o: {
    upsert: ComplianceRowDb[];
    remove: Array<{
      device_id: string;
      template_id: string;
    }>;
    touch: string[];
    at: string;
  }): Promise<void>;
  list(q: RowQuery): Promise<ComplianceRowDb[]>;
  /** Rows per source and state, of the devices `where` selects (null: every device). */
  counts(where?: DeviceWhere | null): Promise<
    Array<{
      template_id: string;
      state: string;
      n: number;
    }>
  >;
  /** Devices per overall state, of those `where` selects (null: every device). */
  deviceCounts(where?: DeviceWhere | null): Promise<
    Array<{
      state: string;
      n: number;
    }>
  >;
  openIncidents(deviceIds: string[]): Promise<IncidentRow[]>;
  insertIncident(r: IncidentRow): Promise<void>;
  updateIncident(
    id: string,
    patch: Partial<Pick<IncidentRow, 'keys_json' | 'users_json' | 'resolved_at' | 'resolution' | 'remediations'>>,
  ): Promise<void>;
  incidents(q: { sinceIso?: string; templateId?: string; deviceIds?: string[]; limit: number }): Promise<IncidentRow[]>;
  insertRemediation(r: {
    id: string;
    incident_id: string | null;
    device_id: string;
    template_id: string;
    at: string;
    desired_version: number;
    keys_json: string;
    actor: string;
  }): Promise<void>;
  remediations(q: { sinceIso?: string; deviceId?: string; limit: number }): Promise<
    {
      id: string;
      at: string;
      actor: string;
      device_id: string;
      template_id: string;
      desired_version: number;
      keys_json: string;
      incident_id: string | null;
    }[]
  >;
  insertHistory(rows: ConfigHistoryTable[]): Promise<void>;
  /** The points kept for one scope ('' = the whole fleet). */
  history(q: { templateId: string; sinceIso: string; limit: number; scopeKey?: string }): Promise<ConfigHistoryTable[]>;
  insertEvents(rows: ConfigEventsTable[]): Promise<void>;
  /** Newest first; with `devices`, only events about the devices it selects. */
  events(q: {
    deviceId?: string;
    type?: string;
    limit: number;
    devices?: DeviceWhere | null;
  }): Promise<ConfigEventsTable[]>;
  insertScan(r: {
    id: string;
    started_at: string;
    duration_ms: number;
    devices: number;
    republished: number;
    trigger: string;
    scope_key?: string;
  }): Promise<void>;
  /** The last scan of one scope ('' = the whole fleet). */
  lastScan(scopeKey?: string): Promise<{
    id: string;
    devices: number;
    trigger: string;
    started_at: string;
    scope_key: string;
    duration_ms: number;
    republished: number;
  } | null>;
  /** The scopes whose history was started (by a scoped scan or read), most recently scanned first, at most `limit`. */
  historyScopes(limit: number): Promise<string[]>;
}

const chunks = <T>(xs: T[], n = 500) =>
  Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

/** Compliance rows per device and source, drift incidents, remediations, history, events, scans. */
export function createComplianceStore(db: Db): ComplianceStore {
  return {
    async rowsOf(deviceIds: string[]): Promise<ComplianceRowDb[]> {
      const out: ComplianceRowDb[] = [];
      for (const c of chunks(deviceIds))
        out.push(...(await db.selectFrom('config_compliance').selectAll().where('device_id', 'in', c).execute()));
      return out;
    },
    /** Writes changed rows, drops rows of sources that no longer apply, and stamps the rest as checked; one transaction. */
    async applyRows(o: {
      upsert: ComplianceRowDb[];
      remove: Array<{ device_id: string; template_id: string }>;
      touch: string[];
      at: string;
    }) {
      await db.transaction().execute(async (trx) => {
        for (const r of o.remove)
          await trx
            .deleteFrom('config_compliance')
            .where('device_id', '=', r.device_id)
            .where('template_id', '=', r.template_id)
            .execute();
        // The last row of a (device, source) wins, as it did row by row: PostgreSQL refuses a statement that
        // updates one row twice.
        const upsert = [...new Map(o.upsert.map((r) => [`${r.device_id}|${r.template_id}`, r])).values()];
        for (const c of chunks(upsert, 200))
          await trx
            .insertInto('config_compliance')
            .values(c)
            .onConflict((oc) =>
              oc.columns(['device_id', 'template_id']).doUpdateSet((eb) => ({
                state: eb.ref('excluded.state'),
                diff_json: eb.ref('excluded.diff_json'),
                reason: eb.ref('excluded.reason'),
                since: eb.ref('excluded.since'),
                checked_at: eb.ref('excluded.checked_at'),
              })),
            )
            .execute();
        for (const c of chunks(o.touch))
          await trx.updateTable('config_compliance').set({ checked_at: o.at }).where('device_id', 'in', c).execute();
      });
    },
    async list(q: RowQuery): Promise<ComplianceRowDb[]> {
      let query = db
        .selectFrom('config_compliance')
        .selectAll()
        .orderBy('device_id')
        .orderBy('template_id')
        .limit(q.limit);
      if (q.state) query = query.where('state', '=', q.state);
      if (q.templateId) query = query.where('template_id', '=', q.templateId);
      if (q.deviceIds) query = query.where('device_id', 'in', q.deviceIds.length ? q.deviceIds : ['']);
      if (q.afterKey) {
        const { deviceId, templateId } = q.afterKey;
        query = query.where(
          sql<boolean>`(device_id > ${deviceId} or (device_id = ${deviceId} and template_id > ${templateId}))`,
        );
      }
      return query.execute();
    },
    /** Rows per source and state, of the devices `where` selects (null: every device). */
    async counts(where: DeviceWhere | null = null): Promise<Array<{ template_id: string; state: string; n: number }>> {
      let q = db.selectFrom('config_compliance').select(['template_id', 'state', (e) => e.fn.countAll().as('n')]);
      if (where) q = q.where('device_id', 'in', deviceIdsWhere(where));
      const rows = await q.groupBy(['template_id', 'state']).execute();
      return rows.map((r) => ({ template_id: r.template_id, state: r.state, n: Number(r.n) }));
    },
    /** Devices per overall state, of those `where` selects (null: every device). */
    async deviceCounts(where: DeviceWhere | null = null): Promise<Array<{ state: string; n: number }>> {
      let q = db
        .selectFrom('config_device_state')
        .select(['state', (e) => e.fn.countAll().as('n')])
        .where('state', 'is not', null);
      if (where) q = q.where('device_id', 'in', deviceIdsWhere(where));
      const rows = await q.groupBy('state').execute();
      return rows.map((r) => ({ state: r.state!, n: Number(r.n) }));
    },
    async openIncidents(deviceIds: string[]): Promise<IncidentRow[]> {
      const out: IncidentRow[] = [];
      for (const c of chunks(deviceIds))
        out.push(
          ...(await db
            .selectFrom('config_incidents')
            .selectAll()
            .where('device_id', 'in', c)
            .where('resolved_at', 'is', null)
            .execute()),
        );
      return out;
    },
    async insertIncident(r: IncidentRow) {
      await db.insertInto('config_incidents').values(r).execute();
    },
    async updateIncident(
      id: string,
      patch: Partial<Pick<IncidentRow, 'keys_json' | 'users_json' | 'resolved_at' | 'resolution' | 'remediations'>>,
    ) {
      await db.updateTable('config_incidents').set(patch).where('id', '=', id).execute();
    },
    async incidents(q: {
      sinceIso?: string;
      templateId?: string;
      deviceIds?: string[];
      limit: number;
    }): Promise<IncidentRow[]> {
      let query = db.selectFrom('config_incidents').selectAll().orderBy('detected_at', 'desc').limit(q.limit);
      if (q.sinceIso)
        query = query.where((eb) => eb.or([eb('detected_at', '>=', q.sinceIso!), eb('resolved_at', 'is', null)]));
      if (q.templateId) query = query.where('template_id', '=', q.templateId);
      if (q.deviceIds) query = query.where('device_id', 'in', q.deviceIds.length ? q.deviceIds : ['']);
      return query.execute();
    },
    async insertRemediation(r: {
      id: string;
      incident_id: string | null;
      device_id: string;
      template_id: string;
      at: string;
      desired_version: number;
      keys_json: string;
      actor: string;
    }) {
      await db.insertInto('config_remediations').values(r).execute();
    },
    async remediations(q: { sinceIso?: string; deviceId?: string; limit: number }) {
      let query = db.selectFrom('config_remediations').selectAll().orderBy('at', 'desc').limit(q.limit);
      if (q.sinceIso) query = query.where('at', '>=', q.sinceIso);
      if (q.deviceId) query = query.where('device_id', '=', q.deviceId);
      return query.execute();
    },
    async insertHistory(rows: ConfigHistoryTable[]) {
      for (const c of chunks(rows, 200)) await db.insertInto('config_history').values(c).execute();
    },
    /** The points kept for one scope ('' = the whole fleet). */
    async history(q: {
      templateId: string;
      sinceIso: string;
      limit: number;
      scopeKey?: string;
    }): Promise<ConfigHistoryTable[]> {
      return db
        .selectFrom('config_history')
        .selectAll()
        .where('scope_key', '=', q.scopeKey ?? '')
        .where('template_id', '=', q.templateId)
        .where('at', '>=', q.sinceIso)
        .orderBy('at')
        .limit(q.limit)
        .execute();
    },
    async insertEvents(rows: ConfigEventsTable[]) {
      for (const c of chunks(rows, 200)) await db.insertInto('config_events').values(c).execute();
    },
    /** Newest first; with `devices`, only events about the devices it selects. */
    async events(q: {
      deviceId?: string;
      type?: string;
      limit: number;
      devices?: DeviceWhere | null;
    }): Promise<ConfigEventsTable[]> {
      let query = db.selectFrom('config_events').selectAll().orderBy('ts', 'desc').orderBy('id', 'desc').limit(q.limit);
      if (q.deviceId) query = query.where('device_id', '=', q.deviceId);
      if (q.devices) query = query.where('device_id', 'in', deviceIdsWhere(q.devices));
      if (q.type) query = query.where('type', '=', q.type);
      return query.execute();
    },
    async insertScan(r: {
      id: string;
      started_at: string;
      duration_ms: number;
      devices: number;
      republished: number;
      trigger: string;
      scope_key?: string;
    }) {
      await db
        .insertInto('config_scans')
        .values({ ...r, scope_key: r.scope_key ?? '' })
        .execute();
    },
    /** The last scan of one scope ('' = the whole fleet). */
    async lastScan(scopeKey = '') {
      return (
        (await db
          .selectFrom('config_scans')
          .selectAll()
          .where('scope_key', '=', scopeKey)
          .orderBy('started_at', 'desc')
          .limit(1)
          .executeTakeFirst()) ?? null
      );
    },
    /** The scopes whose history was started (by a scoped scan or read), most recently scanned first, at most `limit`. */
    async historyScopes(limit: number): Promise<string[]> {
      const rows = await db
        .selectFrom('config_history')
        .select(['scope_key', (e) => e.fn.max('at').as('last')])
        .where('scope_key', '!=', '')
        .groupBy('scope_key')
        .orderBy('last', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => r.scope_key);
    },
  };
}
