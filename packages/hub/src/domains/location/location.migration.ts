import type { Kysely, Migration } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type */

// The location domain's tables (location.tables.ts): each device's position history, the map's settings.
export const locationTables: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('location_history')
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('lat', 'double precision', (c) => c.notNull())
      .addColumn('lon', 'double precision', (c) => c.notNull())
      .addColumn('accuracy_m', 'double precision')
      .addPrimaryKeyConstraint('location_history_pk', ['device_id', 'at'])
      .execute();
    // Retention deletes by time across every device.
    await db.schema.createIndex('location_history_at').on('location_history').columns(['at']).execute();
    await db.schema
      .createTable('map_settings')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .execute();
  },
};
