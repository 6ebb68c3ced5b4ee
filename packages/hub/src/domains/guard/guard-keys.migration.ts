/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type */
import type { Kysely } from 'kysely';

/** Grant-signing key rotations (guard-keys.store.ts). */
export async function guardKeyEndorsementsMigration(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('guard_key_endorsements')
    .addColumn('seq', 'integer', (c) => c.primaryKey())
    .addColumn('key_pem', 'text', (c) => c.notNull())
    .addColumn('previous_fingerprint', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'bigint', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .addColumn('rotated_by', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .execute();
}
