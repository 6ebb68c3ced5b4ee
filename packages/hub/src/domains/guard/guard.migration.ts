import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type */
type Db = Kysely<any>;

/** 006: guard policies (versioned), write grants, the grant-signing key, published documents. */
export async function guardMigration(db: Db): Promise<void> {
  await db.schema
    .createTable('guard_policies')
    .addColumn('version', 'bigint', (c) => c.primaryKey())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('policy_json', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('guard_policies_target')
    .on('guard_policies')
    .columns(['scope', 'target', 'version'])
    .execute();

  await db.schema
    .createTable('guard_grants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('unit', 'integer', (c) => c.notNull())
    .addColumn('register_table', 'text', (c) => c.notNull())
    .addColumn('start_addr', 'integer', (c) => c.notNull())
    .addColumn('end_addr', 'integer', (c) => c.notNull())
    .addColumn('not_before', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('granted_by', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('revoked_by', 'text')
    .addColumn('revoke_reason', 'text')
    .execute();
  await db.schema.createIndex('guard_grants_device').on('guard_grants').columns(['device_id', 'expires_at']).execute();
  await db.schema.createIndex('guard_grants_created').on('guard_grants').columns(['created_at']).execute();

  await db.schema
    .createTable('guard_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('public_pem', 'text', (c) => c.notNull())
    .addColumn('private_enc', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('guard_documents')
    .addColumn('device_id', 'text', (c) => c.primaryKey())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .addColumn('doc_hash', 'text', (c) => c.notNull())
    .addColumn('doc_json', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text', (c) => c.notNull())
    .execute();

  // Guard events are device events of type guard.*: query them by device, type and time.
  await db.schema
    .createIndex('device_events_device_type_ts')
    .on('device_events')
    .columns(['device_id', 'type', 'ts'])
    .execute();
}
