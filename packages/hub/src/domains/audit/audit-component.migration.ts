/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type */
import type { Kysely } from 'kysely';

/**
 * The component (host, software, release) that wrote each audit record, the fifth field an auditor
 * asks for beside time, event type, subject and outcome. Older records keep null: their hashes
 * were made without it and still verify.
 */
export async function auditComponentMigration(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('audit_log').addColumn('component_json', 'text').execute();
}
