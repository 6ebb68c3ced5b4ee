import { sql, type SqlBool } from 'kysely';
import { versionKey, type FieldAsset, type FieldDeviceRecord, type FieldIdentity } from '@outpost/protocol';
import type { Db } from '../../storage/database.js';
import { jsonTextValues } from '../../storage/sql-dialect.js';
import type { GuardFieldAssetsTable } from './field-assets.tables.js';

export interface FieldDeviceQuery {
  deviceId?: string;
  /** Only field devices behind these gateways (a group-scoped reader's). */
  deviceIn?: readonly string[];
  vendor?: string;
  product?: string;
  firmwareBelow?: string;
  source?: 'passive' | 'active';
  /** Substring of where the device sits ("rtu:", "/dev/ttyS1"). */
  interface?: string;
  limit: number;
}

export interface FieldAssetsStore {
  /** Replaces everything known behind `deviceId` with one report's assets. */
  replace(deviceId: string, assets: readonly FieldAsset[], reportedAt: string): Promise<void>;
  list(q: FieldDeviceQuery): Promise<FieldDeviceRecord[]>;
}

const iso = (ms: number) => new Date(ms).toISOString();
// LIKE patterns match the text as given: % and _ in a search are literal.
const likeText = (s: string) => `%${s.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function productOf(i: FieldIdentity): string | null {
  return i.productName ?? i.productCode ?? i.modelName ?? null;
}

function toRecord(r: GuardFieldAssetsTable): FieldDeviceRecord {
  return {
    deviceId: r.device_id,
    target: r.target,
    protocol: r.protocol === 'dnp3' ? 'dnp3' : 'modbus',
    address: Number(r.address),
    vendor: r.vendor,
    product: r.product,
    revision: r.revision,
    identity: JSON.parse(r.identity_json) as FieldIdentity,
    source: r.source === 'active' || r.source === 'passive' ? r.source : null,
    interface: r.interface,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    reportedAt: r.reported_at,
  };
}

export function createFieldAssetsStore(db: Db): FieldAssetsStore {
  return {
    async replace(deviceId, assets, reportedAt) {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('guard_field_assets').where('device_id', '=', deviceId).execute();
        // The report's schema bounds the list; rows go in small batches (bound-parameter limits).
        for (let i = 0; i < assets.length; i += 50) {
          const rows = assets.slice(i, i + 50).map((a) => ({
            device_id: deviceId,
            target: a.target,
            protocol: a.protocol,
            address: a.address,
            vendor: a.identity.vendor ?? null,
            product: productOf(a.identity),
            revision: a.identity.revision ?? null,
            revision_key: a.identity.revision ? versionKey(a.identity.revision) : null,
            source: a.source ?? null,
            interface: a.interface ?? null,
            identity_json: JSON.stringify(a.identity),
            first_seen: iso(a.firstSeen),
            last_seen: iso(a.lastSeen),
            reported_at: reportedAt,
          }));
          await trx
            .insertInto('guard_field_assets')
            .values(rows)
            .onConflict((oc) => oc.columns(['device_id', 'target', 'protocol', 'address']).doNothing())
            .execute();
        }
      });
    },
    async list(q) {
      let s = db.selectFrom('guard_field_assets').selectAll();
      if (q.deviceId !== undefined) s = s.where('device_id', '=', q.deviceId);
      if (q.deviceIn) s = s.where(sql<SqlBool>`device_id IN (${jsonTextValues(db, q.deviceIn)})`);
      if (q.vendor) s = s.where(sql<SqlBool>`lower(vendor) LIKE ${likeText(q.vendor)} ESCAPE '\\'`);
      if (q.product) s = s.where(sql<SqlBool>`lower(product) LIKE ${likeText(q.product)} ESCAPE '\\'`);
      if (q.firmwareBelow) s = s.where('revision_key', '<', versionKey(q.firmwareBelow));
      if (q.source) s = s.where('source', '=', q.source);
      if (q.interface)
        s = s.where(sql<SqlBool>`lower(${sql.ref('interface')}) LIKE ${likeText(q.interface)} ESCAPE '\\'`);
      const rows = await s.orderBy('device_id').orderBy('target').orderBy('address').limit(q.limit).execute();
      return rows.map(toRecord);
    },
  };
}
