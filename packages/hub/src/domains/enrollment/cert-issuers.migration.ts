/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type */
import type { Kysely } from 'kysely';

/**
 * Which CA issued each device certificate. Every certificate issued before there could be several
 * CAs came from the first one, `ca-1` (the CA kept in pki/ca.crt), hence the default.
 */
export async function certIssuersMigration(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('certificates')
    .addColumn('ca_id', 'text', (c) => c.notNull().defaultTo('ca-1'))
    .execute();
  await db.schema.createIndex('certificates_ca').on('certificates').columns(['ca_id', 'revoked_at']).execute();
}
