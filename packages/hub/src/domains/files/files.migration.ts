/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type */
import type { Kysely } from 'kysely';

/** Device file transfers (downloads, uploads, deletes, each device of a bulk pull) and bulk pulls. */
export async function filesMigration(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('device_file_transfers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('root', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('op', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('message', 'text')
    .addColumn('size', 'bigint')
    .addColumn('sha256', 'text')
    .addColumn('start_offset', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('pull_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema
    .createIndex('device_file_transfers_device')
    .on('device_file_transfers')
    .columns(['device_id', 'created_at'])
    .execute();
  await db.schema.createIndex('device_file_transfers_pull').on('device_file_transfers').column('pull_id').execute();
  await db.schema
    .createTable('device_file_pulls')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('root', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('devices', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('device_file_pulls_expiry')
    .on('device_file_pulls')
    .columns(['status', 'expires_at'])
    .execute();
}
