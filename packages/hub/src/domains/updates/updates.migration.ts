import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type */
type Db = Kysely<any>;

/** 008: artifacts, update trust roots and keys, rollouts, waves, device jobs and their history. */
export async function updatesMigration(db: Db): Promise<void> {
  await db.schema
    .createTable('artifacts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('version_key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text')
    .addColumn('length', 'bigint')
    .addColumn('models_json', 'text', (c) => c.notNull())
    .addColumn('min_version', 'text')
    .addColumn('release_notes', 'text', (c) => c.notNull())
    .addColumn('manifest_json', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('uploaded_at', 'text')
    .execute();
  await db.schema.createIndex('artifacts_name_version').on('artifacts').columns(['name', 'version']).unique().execute();
  await db.schema.createIndex('artifacts_sha256').on('artifacts').columns(['sha256']).execute();

  await db.schema
    .createTable('update_roots')
    .addColumn('version', 'integer', (c) => c.primaryKey())
    .addColumn('root_json', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('update_keys')
    .addColumn('keyid', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('public_pem', 'text', (c) => c.notNull())
    .addColumn('private_enc', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('rollouts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('artifact_id', 'text', (c) => c.notNull())
    .addColumn('target_json', 'text', (c) => c.notNull())
    .addColumn('options_json', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('current_wave', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('start_at', 'text')
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addColumn('deadline', 'text')
    .addColumn('state_changed_at', 'text', (c) => c.notNull())
    .addColumn('rollback_state', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rollouts_state').on('rollouts').columns(['state', 'created_at']).execute();

  await db.schema
    .createTable('rollout_waves')
    .addColumn('rollout_id', 'text', (c) => c.notNull())
    .addColumn('idx', 'integer', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('passed_at', 'text')
    .addColumn('approved_by', 'text')
    .addPrimaryKeyConstraint('rollout_waves_pk', ['rollout_id', 'idx'])
    .execute();

  await db.schema
    .createTable('rollout_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('rollout_id', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('wave', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('last_error', 'text')
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('dispatched_at', 'text')
    .addColumn('first_dispatched_at', 'text')
    .addColumn('next_attempt_at', 'text')
    .addColumn('deadline_at', 'text')
    .addColumn('bytes', 'bigint', (c) => c.notNull())
    .addColumn('total', 'bigint', (c) => c.notNull())
    .addColumn('from_version', 'text')
    .addColumn('revert_state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // One job per device per rollout: the database itself refuses a second.
  await db.schema
    .createIndex('rollout_jobs_device')
    .on('rollout_jobs')
    .columns(['rollout_id', 'device_id'])
    .unique()
    .execute();
  await db.schema
    .createIndex('rollout_jobs_state')
    .on('rollout_jobs')
    .columns(['rollout_id', 'state', 'wave'])
    .execute();
  await db.schema.createIndex('rollout_jobs_by_device').on('rollout_jobs').columns(['device_id', 'state']).execute();
  await db.schema.createIndex('rollout_jobs_deadline').on('rollout_jobs').columns(['deadline_at']).execute();

  await db.schema
    .createTable('rollout_job_events')
    .addColumn('job_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('detail', 'text')
    .execute();
  await db.schema.createIndex('rollout_job_events_job').on('rollout_job_events').columns(['job_id', 'seq']).execute();
}
