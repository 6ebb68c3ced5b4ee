import type { Kysely, Migration } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type */

// Geofences (geofences.store.ts) and the side of each fence every device was last seen on.
export const geofencesTables: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('geofences')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('group_path', 'text')
      .addColumn('device_id', 'text')
      .addColumn('shape_json', 'text', (c) => c.notNull())
      .addColumn('within_json', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('geofences_device').on('geofences').column('device_id').execute();
    await db.schema
      .createTable('geofence_sides')
      .addColumn('fence_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('side', 'text', (c) => c.notNull())
      .addColumn('crossed', 'integer', (c) => c.notNull())
      .addColumn('fix_at', 'text', (c) => c.notNull())
      .addColumn('changed_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('geofence_sides_pk', ['fence_id', 'device_id'])
      .execute();
    await db.schema.createIndex('geofence_sides_device').on('geofence_sides').column('device_id').execute();
  },
};
