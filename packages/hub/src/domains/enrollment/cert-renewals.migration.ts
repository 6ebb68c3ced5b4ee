/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type */
import type { Kysely } from 'kysely';

/** One row per device: its certificate renewal state and the last refusal of its certificate. */
export async function certRenewalsMigration(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('device_cert_renewals')
    .addColumn('device_id', 'text', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('key_sha256', 'text')
    .addColumn('pending_serial', 'text')
    .addColumn('last_issued_at', 'text')
    .addColumn('renewed_at', 'text')
    .addColumn('renewals', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_failure', 'text')
    .addColumn('last_failure_at', 'text')
    .addColumn('refused_reason', 'text')
    .addColumn('refused_at', 'text')
    .execute();
  await db.schema
    .createIndex('device_cert_renewals_state')
    .on('device_cert_renewals')
    .columns(['state', 'failures'])
    .execute();
}
