/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type */
import type { Kysely } from 'kysely';

/** Alert rule timers kept across restarts (alert-timers.store.ts). */
export async function alertTimersMigration(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('alert_timers')
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('breach_since', 'bigint')
    .addColumn('clear_since', 'bigint')
    .addColumn('fires_json', 'text', (c) => c.notNull())
    .addColumn('manual_hold', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('alert_timers_pk', ['rule_id', 'device_id'])
    .execute();
  await db.schema
    .createTable('alert_engine_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('last_run_at', 'bigint', (c) => c.notNull())
    .execute();
}
