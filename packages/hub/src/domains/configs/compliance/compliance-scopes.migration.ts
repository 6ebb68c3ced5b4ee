/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type */
import type { Kysely } from 'kysely';

/**
 * Compliance history and scans per group scope (configs.tables.ts): `scope_key` is '' for the whole
 * fleet, else the sorted group paths of the scope whose devices the counts cover.
 */
export async function complianceScopesMigration(db: Kysely<any>): Promise<void> {
  for (const table of ['config_history', 'config_scans'])
    await db.schema
      .alterTable(table)
      .addColumn('scope_key', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
  await db.schema
    .createIndex('config_history_scope')
    .on('config_history')
    .columns(['scope_key', 'template_id', 'at'])
    .execute();
}
