import { sql, type Kysely, type Migration } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type */

// Device lists sort on nullable columns through coalesce(col, ''); these expression indexes let
// the database walk rows in that order instead of sorting every match. The (presence, …) pairs
// serve the most common filter, `online`/`offline`, with the default sorts, in index order.
export const devicesSortIndexes: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.dropIndex('devices_presence').execute();
    await db.schema.createIndex('devices_presence_name').on('devices').columns(['presence', 'name', 'id']).execute();
    for (const col of ['last_seen_at', 'model', 'firmware_key']) {
      await db.schema
        .createIndex(`devices_sort_${col}`)
        .on('devices')
        .expression(sql`coalesce(${sql.ref(col)}, ''), id`)
        .execute();
    }
    await db.schema
      .createIndex('devices_presence_last_seen')
      .on('devices')
      .expression(sql`presence, coalesce(${sql.ref('last_seen_at')}, ''), id`)
      .execute();
  },
};

// The cellular inventory (device-cellular.tables.ts). (lat, lon) serves the bounding box the geo
// filters narrow by before the exact distance test; iccid finds a SIM's device.
export const devicesCellular: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('device_cellular')
      .addColumn('device_id', 'text', (c) => c.primaryKey().references('devices.id').onDelete('cascade'))
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('carrier', 'text')
      .addColumn('mcc', 'text')
      .addColumn('mnc', 'text')
      .addColumn('iccid', 'text')
      .addColumn('imsi', 'text')
      .addColumn('imei', 'text')
      .addColumn('rat', 'text')
      .addColumn('rsrp', 'double precision')
      .addColumn('rsrq', 'double precision')
      .addColumn('snr', 'double precision')
      .addColumn('roaming', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('apn', 'text')
      .addColumn('modem_state', 'text')
      .addColumn('lat', 'double precision')
      .addColumn('lon', 'double precision')
      .addColumn('fix_at', 'text')
      .addColumn('accuracy_m', 'double precision')
      .addColumn('modems_json', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('device_cellular_lat_lon').on('device_cellular').columns(['lat', 'lon']).execute();
    await db.schema.createIndex('device_cellular_iccid').on('device_cellular').columns(['iccid']).execute();
  },
};
