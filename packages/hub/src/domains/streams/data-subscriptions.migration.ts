import type { Kysely, Migration } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type */

// Data subscriptions (data-subscriptions.store.ts): which devices' points go to which webhook
// channel, in what batches. One subscription per channel, so a channel's outbox is its backlog.
export const dataSubscriptionsTable: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('data_subscriptions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('channel_id', 'text', (c) => c.notNull().unique())
      .addColumn('group_path', 'text')
      .addColumn('filter', 'text')
      .addColumn('within_json', 'text')
      .addColumn('points_json', 'text', (c) => c.notNull())
      .addColumn('max_batch', 'integer', (c) => c.notNull())
      .addColumn('max_delay_ms', 'integer', (c) => c.notNull())
      .addColumn('max_backlog', 'integer', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('last_seq', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
  },
};
