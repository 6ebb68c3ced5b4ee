import type { Kysely, Migration } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type */

// The cellular domain's tables (cellular.tables.ts): counters, usage per SIM and cycle, plans, changes.
export const cellularTables: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('cellular_counters')
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('iface', 'text', (c) => c.notNull())
      .addColumn('epoch', 'text', (c) => c.notNull())
      .addColumn('rx_total', 'bigint', (c) => c.notNull())
      .addColumn('tx_total', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('cellular_counters_pk', ['device_id', 'iface'])
      .execute();
    await db.schema
      .createTable('cellular_usage')
      .addColumn('iccid', 'text', (c) => c.notNull())
      .addColumn('cycle_start', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('rx_bytes', 'bigint', (c) => c.notNull())
      .addColumn('tx_bytes', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('overage_alerted_at', 'text')
      .addPrimaryKeyConstraint('cellular_usage_pk', ['iccid', 'cycle_start'])
      .execute();
    await db.schema.createIndex('cellular_usage_device').on('cellular_usage').columns(['device_id']).execute();
    await db.schema
      .createTable('cellular_plans')
      .addColumn('iccid', 'text', (c) => c.primaryKey())
      .addColumn('limit_bytes', 'bigint', (c) => c.notNull())
      .addColumn('cycle_start_day', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('cellular_changes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('old_value', 'text')
      .addColumn('new_value', 'text')
      .execute();
    await db.schema.createIndex('cellular_changes_at').on('cellular_changes').columns(['at', 'kind']).execute();
    await db.schema
      .createIndex('cellular_changes_device')
      .on('cellular_changes')
      .columns(['device_id', 'at'])
      .execute();
  },
};
