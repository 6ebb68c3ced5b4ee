/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type */
import type { Kysely, Migration } from 'kysely';
import { createMfaTables } from '../users/index.js';

async function up(db: Kysely<any>): Promise<void> {
  await createMfaTables(db);
  await db.schema
    .createTable('access_policies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('device_id', 'text')
    .addColumn('group_path', 'text')
    .addColumn('targets_json', 'text', (c) => c.notNull())
    .addColumn('roles_json', 'text', (c) => c.notNull())
    .addColumn('max_duration_s', 'integer', (c) => c.notNull())
    .addColumn('require_reason', 'integer', (c) => c.notNull())
    .addColumn('require_approval', 'integer', (c) => c.notNull())
    .addColumn('mfa_max_age_s', 'integer')
    .addColumn('max_concurrent', 'integer', (c) => c.notNull())
    .addColumn('capture_tcp', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('access_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('policy_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('requested_by_user', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('duration_s', 'integer', (c) => c.notNull())
    .addColumn('approved_by', 'text')
    .addColumn('approved_at', 'text')
    .addColumn('opened_at', 'text')
    .addColumn('started_at', 'text')
    .addColumn('ended_at', 'text')
    .addColumn('deadline', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('close_reason', 'text')
    .addColumn('operator_token_hash', 'text')
    .addColumn('operator_token_used_at', 'text')
    .addColumn('device_token_hash', 'text')
    .addColumn('device_token_used_at', 'text')
    .addColumn('bytes_to_device', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('bytes_from_device', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('streams', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('recording_kind', 'text')
    .addColumn('recording_path', 'text')
    .addColumn('recording_sha256', 'text')
    .addColumn('recording_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('recording_deleted_at', 'text')
    .execute();
  await db.schema.createIndex('access_sessions_state').on('access_sessions').columns(['state', 'deadline']).execute();
  await db.schema
    .createIndex('access_sessions_device')
    .on('access_sessions')
    .columns(['device_id', 'requested_at'])
    .execute();
  await db.schema.createIndex('access_sessions_ended').on('access_sessions').columns(['ended_at']).execute();
  await db.schema
    .createTable('access_settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

/** Migration 005: MFA (users domain) and remote access. */
export const accessMigration: Migration = { up };
