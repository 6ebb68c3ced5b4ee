/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type */
import type { Kysely } from 'kysely';

/** 023: field devices behind each gateway (Modbus device identification, DNP3 group 0). */
export async function guardFieldAssetsMigration(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('guard_field_assets')
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('protocol', 'text', (c) => c.notNull())
    .addColumn('address', 'integer', (c) => c.notNull())
    .addColumn('vendor', 'text')
    .addColumn('product', 'text')
    .addColumn('revision', 'text')
    .addColumn('revision_key', 'text')
    .addColumn('identity_json', 'text', (c) => c.notNull())
    .addColumn('first_seen', 'text', (c) => c.notNull())
    .addColumn('last_seen', 'text', (c) => c.notNull())
    .addColumn('reported_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('guard_field_assets_pk', ['device_id', 'target', 'protocol', 'address'])
    .execute();
  await db.schema.createIndex('guard_field_assets_vendor').on('guard_field_assets').columns(['vendor']).execute();
}

/** 034: how each field device's identity was learnt (passive, active) and where it sits (interface). */
export async function guardFieldAssetsOriginMigration(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('guard_field_assets').addColumn('source', 'text').execute();
  await db.schema.alterTable('guard_field_assets').addColumn('interface', 'text').execute();
}
