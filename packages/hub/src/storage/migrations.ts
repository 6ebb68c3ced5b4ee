import { convertToTimePartitions } from './time-partitions.js';
import { sql, type Kysely, type Migration } from 'kysely';
import { createHubVersionsTable } from './schema-version.js';

// Portable DDL through Kysely's schema builder: the same migrations run on SQLite and PostgreSQL.
// Never edit a shipped migration; add a new one.
/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type */
type Db = Kysely<any>;

async function m001(db: Db): Promise<void> {
  await db.schema
    .createTable('devices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('serial', 'text')
    .addColumn('model', 'text')
    .addColumn('firmware', 'text')
    .addColumn('firmware_key', 'text')
    .addColumn('agent_version', 'text')
    .addColumn('agent_version_key', 'text')
    .addColumn('location', 'text')
    .addColumn('ip', 'text')
    .addColumn('presence', 'text', (c) => c.notNull().defaultTo('never_seen'))
    .addColumn('presence_changed_at', 'text')
    .addColumn('last_seen_at', 'text')
    .addColumn('enrolled_at', 'text', (c) => c.notNull())
    .addColumn('cert_serial', 'text')
    .addColumn('cert_expires_at', 'text')
    .addColumn('decommissioned', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('hello_json', 'text')
    .addColumn('health_json', 'text')
    .addColumn('health_at', 'text')
    .addColumn('health_interval_s', 'integer', (c) => c.notNull().defaultTo(30))
    .addColumn('stale_at', 'text')
    .execute();
  for (const col of ['name', 'model', 'firmware_key', 'presence', 'last_seen_at', 'enrolled_at', 'stale_at']) {
    await db.schema.createIndex(`devices_${col}`).on('devices').columns([col, 'id']).execute();
  }

  await db.schema
    .createTable('device_tags')
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('device_tags_pk', ['device_id', 'key'])
    .execute();
  await db.schema.createIndex('device_tags_kv').on('device_tags').columns(['key', 'value', 'device_id']).execute();

  await db.schema
    .createTable('groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull().unique())
    .addColumn('filter', 'text')
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('group_members')
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'device_id'])
    .execute();
  await db.schema.createIndex('group_members_device').on('group_members').columns(['device_id']).execute();

  await db.schema
    .createTable('presence_changes')
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('presence_changes_device').on('presence_changes').columns(['device_id', 'at']).execute();

  await db.schema
    .createTable('health_samples')
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('ts', 'text', (c) => c.notNull())
    .addColumn('data_json', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('health_samples_device').on('health_samples').columns(['device_id', 'ts']).execute();

  await db.schema
    .createTable('device_events')
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('ts', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('data_json', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('device_events_pk', ['device_id', 'seq'])
    .execute();
  await db.schema.createIndex('device_events_type').on('device_events').columns(['type', 'ts']).execute();
}

async function m002(db: Db): Promise<void> {
  await db.schema
    .createTable('enrollment_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('max_uses', 'integer', (c) => c.notNull())
    .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('group_path', 'text')
    .addColumn('tags_json', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('certificates')
    .addColumn('serial', 'text', (c) => c.primaryKey())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'text', (c) => c.notNull())
    .addColumn('not_after', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('revoke_reason', 'text')
    .execute();
  await db.schema.createIndex('certificates_device').on('certificates').columns(['device_id']).execute();
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_login_at', 'text')
    .execute();
  await db.schema
    .createTable('sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('source_ip', 'text')
    .execute();
  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('revoked', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('login_failures')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('login_failures_key').on('login_failures').columns(['key', 'at']).execute();
  await db.schema
    .createTable('audit_log')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('ts', 'text', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('source_ip', 'text')
    .addColumn('details_json', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_action').on('audit_log').columns(['action', 'seq']).execute();
  await db.schema
    .createTable('commands')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('batch_id', 'text')
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('args_json', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('result_json', 'text')
    .addColumn('error', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('deadline', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('commands_device').on('commands').columns(['device_id', 'created_at']).execute();
  await db.schema.createIndex('commands_batch').on('commands').columns(['batch_id']).execute();
  // Keep `sql` referenced for future data migrations that need raw statements.
  void sql;
}

// The first two migrations created the inventory, identity, audit and command tables before
// domains owned their tables; every later migration belongs to the module that owns its tables
// (domains/hub-modules.ts folds them). Names are NNN_<domain>_<what>, never reused.
export const coreMigrations: Record<string, Migration> = {
  '001_inventory': { up: m001 },
  '002_identity_users_audit_commands': { up: m002 },
  // Which hub releases opened the database (storage/schema-version.ts).
  '014_storage_hub_versions': { up: createHubVersionsTable },
  // PostgreSQL: health samples, traffic samples and data-stream values partitioned by day.
  '035_storage_time_partitions': { up: (db) => convertToTimePartitions(db, Date.now()) },
};
