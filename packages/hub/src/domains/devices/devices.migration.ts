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
