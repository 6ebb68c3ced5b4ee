/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type */
import type { Kysely, Migration } from 'kysely';

/** The replica a session's two legs meet on: its relay address, recorded when the session opens. */
export const accessRelayUrlMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('access_sessions').addColumn('relay_url', 'text').execute();
  },
};
