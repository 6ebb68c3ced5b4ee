/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type */
import type { Kysely } from 'kysely';

/** The CA set: one row per CA the hub ever had, and its state. */
export async function caSetMigration(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('pki_cas')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('fingerprint', 'text', (c) => c.notNull().unique())
    .addColumn('common_name', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('cert_file', 'text', (c) => c.notNull())
    .addColumn('key_file', 'text', (c) => c.notNull())
    .addColumn('not_after', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('retiring_at', 'text')
    .addColumn('retired_at', 'text')
    .execute();
}
