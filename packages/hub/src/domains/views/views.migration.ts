/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type */
import type { Kysely } from 'kysely';

/** Saved device views: one name per owner. */
export async function viewsMigration(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('saved_views')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('shared', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('filter', 'text', (c) => c.notNull())
    .addColumn('sort', 'text', (c) => c.notNull())
    .addColumn('sort_order', 'text', (c) => c.notNull())
    .addColumn('columns_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('saved_views_owner_name', ['owner_id', 'name'])
    .execute();
  await db.schema.createIndex('saved_views_shared').on('saved_views').columns(['shared', 'name']).execute();
}
