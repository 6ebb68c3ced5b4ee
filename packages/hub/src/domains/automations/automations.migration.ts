/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type */
import type { Kysely } from 'kysely';

/** Automations, their versions, runs with each device's progress, cool-downs, fired triggers and schedules. */
export async function automationsMigration(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('automations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('spec_json', 'text', (c) => c.notNull())
    .addColumn('within_json', 'text')
    .addColumn('schedule_id', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('automation_versions')
    .addColumn('automation_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('spec_json', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('automation_versions_pk', ['automation_id', 'version'])
    .execute();
  await db.schema
    .createTable('automation_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('automation_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('trigger_json', 'text', (c) => c.notNull())
    .addColumn('started_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('devices_total', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('automation_runs_by_automation')
    .on('automation_runs')
    .columns(['automation_id', 'created_at'])
    .execute();
  await db.schema.createIndex('automation_runs_by_state').on('automation_runs').columns(['state']).execute();
  await db.schema
    .createTable('automation_run_devices')
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('step_index', 'integer', (c) => c.notNull())
    .addColumn('step_state', 'text', (c) => c.notNull())
    .addColumn('step_started_at', 'text')
    .addColumn('step_deadline', 'text')
    .addColumn('step_ref', 'text')
    .addColumn('results_json', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addColumn('pick_up_until', 'text')
    .addPrimaryKeyConstraint('automation_run_devices_pk', ['run_id', 'device_id'])
    .execute();
  await db.schema
    .createIndex('automation_run_devices_by_state')
    .on('automation_run_devices')
    .columns(['run_id', 'state'])
    .execute();
  await db.schema
    .createTable('automation_cooldowns')
    .addColumn('automation_id', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('last_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('automation_cooldowns_pk', ['automation_id', 'device_id'])
    .execute();
  await db.schema
    .createTable('automation_fired')
    .addColumn('automation_id', 'text', (c) => c.notNull())
    .addColumn('fire_key', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('automation_fired_pk', ['automation_id', 'fire_key'])
    .execute();
  await db.schema
    .createTable('schedules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('spec_json', 'text', (c) => c.notNull())
    .addColumn('automation_id', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}
