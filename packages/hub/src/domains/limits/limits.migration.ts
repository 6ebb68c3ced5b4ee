/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type */
import type { Kysely } from 'kysely';

/** One row per API caller (and costly route): its window's start and the requests counted in it. */
export async function apiRequestWindowsMigration(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('api_request_windows')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('started_ms', 'bigint', (c) => c.notNull())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('api_request_windows_started').on('api_request_windows').column('started_ms').execute();
}
