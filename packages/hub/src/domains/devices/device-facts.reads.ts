import { expressionBuilder, sql } from 'kysely';
import type { Db } from '../../storage/database.js';
import type { Database } from '../../storage/schema.js';
import type { DeviceWhere } from './devices.types.js';
import type { PresenceCounts } from '@outpost/protocol';

// The devices domain's read models of the inventory rows for other domains: SQL pieces they embed
// in their own queries (so a filtered list stays one query), and small batched lookups.

const eb = expressionBuilder<Database, never>();

/** Subquery for `device_id IN (…)`: the ids of the devices a compiled filter selects. */
export function deviceIdsWhere(where: DeviceWhere) {
  return eb.selectFrom('devices').select('devices.id').where(where);
}

/** Subquery for `device_id IN (…)`: the ids of the devices of one model. */
export function deviceIdsOfModel(model: string) {
  return eb.selectFrom('devices').select('devices.id').where('devices.model', '=', model);
}

/** Scalar subquery: the name of the device whose id is in column `idColumn` of the outer query (null if none). */
export function deviceNameOf(idColumn: string) {
  return sql<string | null>`(SELECT d.name FROM ${sql.table('devices')} d WHERE d.id = ${sql.ref(idColumn)})`;
}

/** Scalar subquery: the `site` tag of the device whose id is in column `idColumn` (null if it has none). */
export function deviceSiteOf(idColumn: string) {
  return sql<
    string | null
  >`(SELECT t.value FROM ${sql.table('device_tags')} t WHERE t.device_id = ${sql.ref(idColumn)} AND t.key = 'site')`;
}

export type { PresenceCounts };

export interface DeviceFacts {
  /** Ids of the active (not decommissioned) devices a filter selects, optionally only `within`. */
  activeIdsWhere(where: DeviceWhere | null, within?: string): Promise<string[]>;
  names(ids: string[]): Promise<Map<string, string>>;
  models(ids: string[]): Promise<Map<string, string | null>>;
  /** What a rollout checks before it targets a device. */
  versions(ids: string[]): Promise<
    Map<
      string,
      {
        model: string | null;
        firmware: string | null;
        agentVersion: string | null;
        /** The capabilities of the device's last hello; null before its first or when unreadable. */
        capabilities: string[] | null;
      }
    >
  >;
  /** Devices per presence, the same sets the filters `online`, `offline` and `never_seen` choose. */
  presenceCounts(where: DeviceWhere | null): Promise<PresenceCounts>;
  /** Devices per reported firmware version, largest first; devices that never said hello count as null. */
  firmwareCounts(limit: number, where: DeviceWhere | null): Promise<Array<{ version: string | null; devices: number }>>;
  /** Devices per `site` tag (null: no site) and presence, the largest sites first, at most `limit` sites. */
  sitePresence(
    limit: number,
    where: DeviceWhere | null,
  ): Promise<Array<{ site: string | null; online: number; offline: number; neverSeen: number; total: number }>>;
  /** Devices per model and firmware version (null: not reported), by model then largest first. */
  firmwareByModel(
    limit: number,
    where: DeviceWhere | null,
  ): Promise<Array<{ model: string | null; firmware: string | null; devices: number }>>;
}

export function createDeviceFacts(db: Db): DeviceFacts {
  /** Rows of `ids`, 500 to a query. */
  async function inBatches<R>(ids: string[], read: (chunk: string[]) => Promise<R[]>): Promise<R[]> {
    const out: R[] = [];
    for (let i = 0; i < ids.length; i += 500) out.push(...(await read(ids.slice(i, i + 500))));
    return out;
  }
  return {
    async activeIdsWhere(where, within) {
      let q = db.selectFrom('devices').select('id').where('decommissioned', '=', 0);
      if (where) q = q.where(where);
      if (within !== undefined) q = q.where('id', '=', within);
      return (await q.execute()).map((r) => r.id);
    },
    async names(ids) {
      const rows = await inBatches(ids, (c) =>
        db.selectFrom('devices').select(['id', 'name']).where('id', 'in', c).execute(),
      );
      return new Map(rows.map((r) => [r.id, r.name]));
    },
    async models(ids) {
      const rows = await inBatches(ids, (c) =>
        db.selectFrom('devices').select(['id', 'model']).where('id', 'in', c).execute(),
      );
      return new Map(rows.map((r) => [r.id, r.model]));
    },
    async versions(ids) {
      const rows = await inBatches(ids, (c) =>
        db
          .selectFrom('devices')
          .select(['id', 'model', 'firmware', 'agent_version', 'hello_json'])
          .where('id', 'in', c)
          .execute(),
      );
      return new Map(
        rows.map((r) => [
          r.id,
          {
            model: r.model,
            firmware: r.firmware,
            agentVersion: r.agent_version,
            capabilities: helloCapabilities(r.hello_json),
          },
        ]),
      );
    },
    async presenceCounts(where) {
      let q = db.selectFrom('devices').select(['presence', (e) => e.fn.countAll().as('n')]);
      if (where) q = q.where(where);
      const rows = await q.groupBy('presence').execute();
      const out: PresenceCounts = { online: 0, offline: 0, never_seen: 0, total: 0 };
      for (const r of rows) {
        const n = Number(r.n);
        if (r.presence === 'online' || r.presence === 'offline' || r.presence === 'never_seen') out[r.presence] = n;
        out.total += n;
      }
      return out;
    },
    async firmwareCounts(limit, where) {
      let q = db.selectFrom('devices').select(['firmware', (e) => e.fn.countAll().as('n')]);
      if (where) q = q.where(where);
      const rows = await q.groupBy('firmware').orderBy('n', 'desc').orderBy('firmware').limit(limit).execute();
      return rows.map((r) => ({ version: r.firmware, devices: Number(r.n) }));
    },
    async sitePresence(limit, where) {
      const site = deviceSiteOf('devices.id');
      let q = db
        .selectFrom('devices')
        .select((e) => [
          site.as('site'),
          e.fn.countAll().as('total'),
          e.fn.sum<number>(sql`CASE WHEN devices.presence = 'online' THEN 1 ELSE 0 END`).as('online'),
          e.fn.sum<number>(sql`CASE WHEN devices.presence = 'offline' THEN 1 ELSE 0 END`).as('offline'),
          e.fn.sum<number>(sql`CASE WHEN devices.presence = 'never_seen' THEN 1 ELSE 0 END`).as('never_seen'),
        ]);
      if (where) q = q.where(where);
      const rows = await q.groupBy(site).orderBy('total', 'desc').orderBy('site').limit(limit).execute();
      return rows.map((r) => ({
        site: r.site,
        online: Number(r.online),
        offline: Number(r.offline),
        neverSeen: Number(r.never_seen),
        total: Number(r.total),
      }));
    },
    async firmwareByModel(limit, where) {
      let q = db.selectFrom('devices').select(['model', 'firmware', (e) => e.fn.countAll().as('n')]);
      if (where) q = q.where(where);
      const rows = await q
        .groupBy(['model', 'firmware'])
        .orderBy('model')
        .orderBy('n', 'desc')
        .orderBy('firmware')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ model: r.model, firmware: r.firmware, devices: Number(r.n) }));
    },
  };
}

function helloCapabilities(helloJson: string | null): string[] | null {
  if (!helloJson) return null;
  try {
    const caps = (JSON.parse(helloJson) as { capabilities?: unknown }).capabilities;
    return Array.isArray(caps) ? caps.filter((c): c is string => typeof c === 'string') : null;
  } catch {
    return null;
  }
}
