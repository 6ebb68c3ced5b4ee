/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type */
import type { Kysely } from 'kysely';

/**
 * What each report run covered (reports.tables.ts): the group of a fleet report (null = the whole
 * fleet) or the device of a device report, so that a group-scoped reader sees the runs of its scope.
 */
export async function reportRunScopesMigration(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('report_runs').addColumn('scope_group', 'text').execute();
  await db.schema.alterTable('report_runs').addColumn('device_id', 'text').execute();
}
