import { sql, type Kysely, type Migration } from 'kysely';
import type { Db } from './schema.js';

// Which hub wrote a database. Kysely keeps the applied migrations in `kysely_migration`; a name
// there that this hub does not ship means a newer hub has run on the data: starting anyway would
// run code against tables it does not understand, so the hub refuses and names both versions.
// `hub_versions` adds the release of every hub that opened the database, for that message and
// for operators (which releases ran on this data, and since when).

/** The schema version of a migration list: the highest NNN of its `NNN_domain_what` names. */
export function schemaVersionOf(names: Iterable<string>): number {
  let max = 0;
  for (const name of names) {
    const n = Number(/^(\d+)_/.exec(name)?.[1] ?? 0);
    if (n > max) max = n;
  }
  return max;
}

/** The data directory was written by a hub that knows migrations this one does not. */
export class SchemaTooNewError extends Error {
  readonly code = 'schema_too_new';
  constructor(
    readonly unknown: string[],
    readonly ours: { hubVersion: string; schemaVersion: number },
    readonly theirs: { hubVersion: string | null; schemaVersion: number },
  ) {
    const writer = theirs.hubVersion ? `Outpost hub ${theirs.hubVersion}` : 'a newer Outpost hub';
    super(
      `schema_too_new: this data was written by ${writer} (schema ${theirs.schemaVersion}); this is Outpost hub ` +
        `${ours.hubVersion} (schema ${ours.schemaVersion}), which does not know migration(s) ${unknown.join(', ')}. ` +
        `Run ${theirs.hubVersion ? `hub ${theirs.hubVersion}` : 'the newer hub'} or later on it, or restore a backup ` +
        `taken by hub ${ours.hubVersion} into an empty directory.`,
    );
    this.name = 'SchemaTooNewError';
  }
}

async function tableExists(db: Kysely<unknown>, name: string): Promise<boolean> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  return tables.some((t) => t.name === name);
}

/** The migrations already applied to `db` (none on a new database). */
export async function appliedMigrations(db: Kysely<unknown>): Promise<string[]> {
  if (!(await tableExists(db, 'kysely_migration'))) return [];
  const r = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return r.rows.map((x) => x.name);
}

/** Refuses a database that holds a migration this hub does not ship (a newer hub wrote it). */
export async function assertKnownSchema(
  db: Kysely<unknown>,
  migrations: Record<string, Migration>,
  hubVersion: string,
): Promise<void> {
  const applied = await appliedMigrations(db);
  const unknown = applied.filter((name) => !(name in migrations));
  if (unknown.length === 0) return;
  let writer: string | null = null;
  if (await tableExists(db, 'hub_versions')) {
    const r = await sql<{ hub_version: string }>`
      select hub_version from hub_versions order by schema_version desc, last_opened_at desc limit 1`.execute(db);
    writer = r.rows[0]?.hub_version ?? null;
  }
  throw new SchemaTooNewError(
    unknown,
    { hubVersion, schemaVersion: schemaVersionOf(Object.keys(migrations)) },
    { hubVersion: writer, schemaVersion: schemaVersionOf(applied) },
  );
}

/** Notes that this hub release opened the database now (one row per release). */
export async function recordHubVersion(db: Db, hubVersion: string, schemaVersion: number, now: Date): Promise<void> {
  const at = now.toISOString();
  await db
    .insertInto('hub_versions')
    .values({ hub_version: hubVersion, schema_version: schemaVersion, first_opened_at: at, last_opened_at: at })
    .onConflict((oc) => oc.column('hub_version').doUpdateSet({ schema_version: schemaVersion, last_opened_at: at }))
    .execute();
}

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type */
export async function createHubVersionsTable(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('hub_versions')
    .addColumn('hub_version', 'text', (c) => c.primaryKey())
    .addColumn('schema_version', 'integer', (c) => c.notNull())
    .addColumn('first_opened_at', 'text', (c) => c.notNull())
    .addColumn('last_opened_at', 'text', (c) => c.notNull())
    .execute();
}
