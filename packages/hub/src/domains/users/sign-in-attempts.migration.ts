/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type */
import type { Kysely } from 'kysely';

/** Sign-in failures name the attempt that counted them, so a successful attempt takes its own back. */
export async function signInAttemptsMigration(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('login_failures').addColumn('attempt', 'text').execute();
  await db.schema.createIndex('login_failures_attempt').on('login_failures').column('attempt').execute();
}
