/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type */
import type { Kysely } from 'kysely';

/** 017: a write grant may set a named state (a hotline tag) with the ticket it was issued under. */
export async function guardGrantStatesMigration(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('guard_grants').addColumn('sets_state', 'text').execute();
  await db.schema.alterTable('guard_grants').addColumn('ticket', 'text').execute();
}
