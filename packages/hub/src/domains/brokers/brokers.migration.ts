/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type */
import type { Kysely } from 'kysely';

/** Broker moves: one row per device that was ever moved, with its last move and its home broker. */
export async function brokerMovesMigration(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('broker_moves')
    .addColumn('device_id', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('move_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('from_url', 'text')
    .addColumn('to_url', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('deadline', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('home_url', 'text')
    .execute();
  await db.schema.createIndex('broker_moves_state').on('broker_moves').columns(['state', 'deadline']).execute();
}
