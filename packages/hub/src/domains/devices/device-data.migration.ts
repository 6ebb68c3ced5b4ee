import type { Kysely, Migration } from 'kysely';
import { float64Type } from '../../storage/sql-dialect.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type */

/** The latest value of each device's data points, for `data.*` filters (device-data.tables.ts). */
export const devicesDataLatest: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('device_data_latest')
      .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
      .addColumn('point', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('num', float64Type(db))
      .addColumn('text', 'text')
      .addColumn('quality', 'text', (c) => c.notNull())
      .addColumn('ts', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('device_data_latest_pk', ['device_id', 'point'])
      .execute();
    await db.schema
      .createIndex('device_data_latest_point')
      .on('device_data_latest')
      .columns(['point', 'num'])
      .execute();
  },
};
