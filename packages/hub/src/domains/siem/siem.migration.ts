/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type */
import type { Kysely } from 'kysely';

/** SIEM sinks and their delivery cursors (siem.tables.ts). */
export async function siemMigration(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('siem_sinks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('config_json', 'text', (c) => c.notNull())
    .addColumn('secret_enc', 'text')
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text')
    .addColumn('failing_since', 'text')
    .addColumn('last_error', 'text')
    .addColumn('last_delivered_at', 'text')
    .addColumn('delivered_total', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('alerted_at', 'text')
    .execute();
  await db.schema
    .createTable('siem_cursors')
    .addColumn('sink_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('position', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('siem_cursors_pk', ['sink_id', 'source'])
    .execute();
}
