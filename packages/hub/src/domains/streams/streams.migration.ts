import type { Kysely, Migration } from 'kysely';
import { float64Type } from '../../storage/sql-dialect.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type */

// The streams domain's tables (streams.tables.ts): points with their latest value, raw values,
// roll-ups per tier, and the batches filed (for filing each at most once).
export const streamsTables: Migration = {
  async up(db: Kysely<any>) {
    const f64 = float64Type(db);
    await db.schema
      .createTable('stream_points')
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('point', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('unit', 'text')
      .addColumn('description', 'text')
      .addColumn('source', 'text')
      .addColumn('writable', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('writes_enabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('latest_kind', 'text')
      .addColumn('latest_num', f64)
      .addColumn('latest_text', 'text')
      .addColumn('latest_quality', 'text')
      .addColumn('latest_reason', 'text')
      .addColumn('latest_ts', 'bigint')
      .addColumn('latest_received_at', 'bigint')
      .addPrimaryKeyConstraint('stream_points_pk', ['device_id', 'point'])
      .execute();
    await db.schema.createIndex('stream_points_point').on('stream_points').columns(['point']).execute();
    await db.schema
      .createTable('stream_values')
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('point', 'text', (c) => c.notNull())
      .addColumn('ts', 'bigint', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('num', f64)
      .addColumn('text', 'text')
      .addColumn('quality', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .execute();
    await db.schema
      .createIndex('stream_values_point_ts')
      .on('stream_values')
      .columns(['device_id', 'point', 'ts'])
      .execute();
    await db.schema.createIndex('stream_values_ts').on('stream_values').columns(['ts']).execute();
    await db.schema
      .createTable('stream_rollups')
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('point', 'text', (c) => c.notNull())
      .addColumn('tier', 'text', (c) => c.notNull())
      .addColumn('ts', 'bigint', (c) => c.notNull())
      .addColumn('v_min', f64, (c) => c.notNull())
      .addColumn('v_max', f64, (c) => c.notNull())
      .addColumn('v_sum', f64, (c) => c.notNull())
      .addColumn('n', 'bigint', (c) => c.notNull())
      .addColumn('v_first', f64, (c) => c.notNull())
      .addColumn('first_ts', 'bigint', (c) => c.notNull())
      .addColumn('v_last', f64, (c) => c.notNull())
      .addColumn('last_ts', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('stream_rollups_pk', ['device_id', 'point', 'tier', 'ts'])
      .execute();
    await db.schema.createIndex('stream_rollups_tier_ts').on('stream_rollups').columns(['tier', 'ts']).execute();
    await db.schema
      .createTable('stream_batches')
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('stream_batches_pk', ['device_id', 'seq'])
      .execute();
    await db.schema.createIndex('stream_batches_received').on('stream_batches').columns(['received_at']).execute();
  },
};
