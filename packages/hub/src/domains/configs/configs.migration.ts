import type { Kysely, Migration } from 'kysely';

// Portable DDL (SQLite and PostgreSQL). Never edit once shipped; add a new migration.
/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type */
type Db = Kysely<any>;

export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('config_models')
    .addColumn('model', 'text', (c) => c.primaryKey())
    .addColumn('schema_json', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('config_templates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('policy', 'text', (c) => c.notNull())
    .addColumn('spec_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('config_template_versions')
    .addColumn('template_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('spec_json', 'text', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('comment', 'text', (c) => c.notNull())
    .addColumn('diff_json', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('config_template_versions_pk', ['template_id', 'version'])
    .execute();
  await db.schema
    .createTable('config_blobs')
    .addColumn('sha256', 'text', (c) => c.primaryKey())
    .addColumn('content_b64', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('config_overrides')
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value_json', 'text', (c) => c.notNull())
    .addColumn('secret', 'integer', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('config_overrides_pk', ['device_id', 'key'])
    .execute();
  await db.schema
    .createTable('config_device_state')
    .addColumn('device_id', 'text', (c) => c.primaryKey())
    .addColumn('desired_version', 'integer', (c) => c.notNull())
    .addColumn('desired_hash', 'text', (c) => c.notNull())
    .addColumn('desired_json', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text')
    .addColumn('reported_version', 'integer')
    .addColumn('reported_at', 'text')
    .addColumn('reported_json', 'text')
    .addColumn('report_error', 'text')
    .addColumn('state', 'text')
    .addColumn('maintenance_until', 'text')
    .addColumn('maintenance_by', 'text')
    .addColumn('checked_at', 'text')
    .execute();
  await db.schema
    .createTable('config_compliance')
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('template_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('diff_json', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('since', 'text', (c) => c.notNull())
    .addColumn('checked_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('config_compliance_pk', ['device_id', 'template_id'])
    .execute();
  await db.schema
    .createIndex('config_compliance_template')
    .on('config_compliance')
    .columns(['template_id', 'state', 'device_id'])
    .execute();
  await db.schema
    .createIndex('config_compliance_state')
    .on('config_compliance')
    .columns(['state', 'device_id'])
    .execute();
  await db.schema
    .createTable('config_incidents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('template_id', 'text', (c) => c.notNull())
    .addColumn('template_name', 'text', (c) => c.notNull())
    .addColumn('keys_json', 'text', (c) => c.notNull())
    .addColumn('users_json', 'text', (c) => c.notNull())
    .addColumn('detected_at', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'text')
    .addColumn('resolution', 'text')
    .addColumn('remediations', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('config_incidents_open')
    .on('config_incidents')
    .columns(['device_id', 'template_id', 'resolved_at'])
    .execute();
  await db.schema.createIndex('config_incidents_detected').on('config_incidents').columns(['detected_at']).execute();
  await db.schema
    .createTable('config_remediations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text')
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('template_id', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('desired_version', 'integer', (c) => c.notNull())
    .addColumn('keys_json', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('config_remediations_device')
    .on('config_remediations')
    .columns(['device_id', 'at'])
    .execute();
  await db.schema
    .createTable('config_history')
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('template_id', 'text', (c) => c.notNull())
    .addColumn('template_name', 'text', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('compliant', 'integer', (c) => c.notNull())
    .addColumn('drifted', 'integer', (c) => c.notNull())
    .addColumn('pending', 'integer', (c) => c.notNull())
    .addColumn('error', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('config_history_template').on('config_history').columns(['template_id', 'at']).execute();
  await db.schema
    .createTable('config_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('ts', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('template_id', 'text')
    .addColumn('data_json', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('config_events_device').on('config_events').columns(['device_id', 'ts']).execute();
  await db.schema.createIndex('config_events_ts').on('config_events').columns(['ts']).execute();
  await db.schema
    .createTable('config_scans')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('devices', 'integer', (c) => c.notNull())
    .addColumn('republished', 'integer', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('config_scans_started').on('config_scans').columns(['started_at']).execute();
}

const STATE_HEAD = [
  'device_id',
  'desired_version',
  'desired_hash',
  'published_at',
  'reported_version',
  'reported_at',
  'report_error',
  'state',
  'maintenance_until',
  'maintenance_by',
] as const;

/**
 * The device state table rebuilt with its two documents last (the report before the desired
 * document) and without the per-device "checked at" stamp (each compliance row has its own). SQLite
 * stores a row's columns in declared order and a large value spills onto overflow pages: with the
 * documents in the middle, reading a device's state or version walked both documents' pages, and a
 * full compliance scan spent most of its time doing that and rewriting every row's stamp. The report
 * gets a revision, so an evaluation of an unchanged report can be reused.
 */
export const reorderDeviceState: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('config_device_state_next')
      .addColumn('device_id', 'text', (c) => c.primaryKey())
      .addColumn('desired_version', 'integer', (c) => c.notNull())
      .addColumn('desired_hash', 'text', (c) => c.notNull())
      .addColumn('published_at', 'text')
      .addColumn('reported_version', 'integer')
      .addColumn('reported_at', 'text')
      .addColumn('report_error', 'text')
      .addColumn('report_rev', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('state', 'text')
      .addColumn('maintenance_until', 'text')
      .addColumn('maintenance_by', 'text')
      .addColumn('reported_json', 'text')
      .addColumn('desired_json', 'text', (c) => c.notNull())
      .execute();
    const columns = [...STATE_HEAD, 'reported_json', 'desired_json'];
    await db
      .insertInto('config_device_state_next')
      .columns(columns)
      .expression(db.selectFrom('config_device_state').select(columns))
      .execute();
    await db.schema.dropTable('config_device_state').execute();
    await db.schema.alterTable('config_device_state_next').renameTo('config_device_state').execute();
  },
};
