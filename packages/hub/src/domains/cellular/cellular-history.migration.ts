import type { Kysely, Migration } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type */

// Signal history, hourly usage per device (for the usage spike rule) and group default plans.
export const cellularHistoryTables: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('cellular_signal')
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('at_ms', 'bigint', (c) => c.notNull())
      .addColumn('rsrp', 'real')
      .addColumn('rsrq', 'real')
      .addColumn('snr', 'real')
      .addColumn('rssi', 'real')
      .addColumn('rat', 'text')
      .addPrimaryKeyConstraint('cellular_signal_pk', ['device_id', 'at_ms'])
      .execute();
    await db.schema.createIndex('cellular_signal_at').on('cellular_signal').columns(['at_ms']).execute();
    await db.schema
      .createTable('cellular_usage_hourly')
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('hour_ms', 'bigint', (c) => c.notNull())
      .addColumn('bytes', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('cellular_usage_hourly_pk', ['device_id', 'hour_ms'])
      .execute();
    await db.schema.createIndex('cellular_usage_hourly_at').on('cellular_usage_hourly').columns(['hour_ms']).execute();
    // The usage report reads one cycle of every SIM.
    await db.schema.createIndex('cellular_usage_cycle').on('cellular_usage').columns(['cycle_start']).execute();
    await db.schema
      .createTable('cellular_group_plans')
      .addColumn('group_path', 'text', (c) => c.primaryKey())
      .addColumn('limit_bytes', 'bigint', (c) => c.notNull())
      .addColumn('cycle_start_day', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
};
