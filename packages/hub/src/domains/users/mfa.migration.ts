/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type */
import type { Kysely } from 'kysely';

/** MFA and user scope tables; run by migration 005 (access/access.migration.ts). */
export async function createMfaTables(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('user_mfa')
    .addColumn('user_id', 'text', (c) => c.primaryKey())
    .addColumn('secret_enc', 'text')
    .addColumn('pending_secret_enc', 'text')
    .addColumn('pending_at', 'text')
    .addColumn('confirmed_at', 'text')
    .addColumn('last_step', 'bigint')
    .execute();
  await db.schema
    .createTable('user_recovery_codes')
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addPrimaryKeyConstraint('user_recovery_codes_pk', ['user_id', 'code_hash'])
    .execute();
  await db.schema
    .createTable('role_mfa_policy')
    .addColumn('role', 'text', (c) => c.primaryKey())
    .addColumn('required', 'integer', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('session_mfa')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('verified_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('user_group_scopes')
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('group_path', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_group_scopes_pk', ['user_id', 'group_path'])
    .execute();
}
