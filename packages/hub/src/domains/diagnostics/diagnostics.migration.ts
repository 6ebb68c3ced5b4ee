import type { Kysely, Migration } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type */

// The diagnostics domain's tables (diagnostics.tables.ts): runs and their per-device results.
export const diagnosticsTables: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('diagnostic_runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('param', 'text')
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('timeout_ms', 'integer', (c) => c.notNull())
      .addColumn('devices', 'integer', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('finished_at', 'text')
      .execute();
    await db.schema.createIndex('diagnostic_runs_created').on('diagnostic_runs').columns(['created_at']).execute();
    await db.schema
      .createTable('diagnostic_results')
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('exit_code', 'integer')
      .addColumn('stdout', 'text', (c) => c.notNull())
      .addColumn('stderr', 'text', (c) => c.notNull())
      .addColumn('truncated', 'integer', (c) => c.notNull())
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('finished_at', 'text')
      .addPrimaryKeyConstraint('diagnostic_results_pk', ['run_id', 'device_id'])
      .execute();
    await db.schema
      .createIndex('diagnostic_results_device')
      .on('diagnostic_results')
      .columns(['device_id', 'run_id'])
      .execute();
  },
};
