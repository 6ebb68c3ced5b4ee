// The few places where SQLite and PostgreSQL need different SQL, in one module: the rest of
// the hub writes portable Kysely queries and asks here when a query or a column type differs.
import { PostgresAdapter, sql, type Kysely, type RawBuilder } from 'kysely';

export type SqlDialectName = 'sqlite' | 'postgres';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- works on any schema, migrations included
type AnyDb = Kysely<any>;

/** Which engine `db` talks to. */
export function dialectOf(db: AnyDb): SqlDialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/**
 * A one-column subquery (`value`) yielding each string of a JSON array bound as one parameter:
 * `x IN (<this>)` takes a list of any length without one parameter per element.
 */
export function jsonTextValues(db: AnyDb, values: readonly string[]): RawBuilder<unknown> {
  const json = JSON.stringify(values);
  return dialectOf(db) === 'postgres'
    ? sql`SELECT value FROM json_array_elements_text(CAST(${json} AS json))`
    : sql`SELECT value FROM json_each(${json})`;
}

/**
 * A 64-bit float column: SQLite's REAL already is one; PostgreSQL's `real` is 32-bit and would
 * round byte counters above 16 MiB, so it gets `double precision`.
 */
export function float64Type(db: AnyDb): 'real' | 'double precision' {
  return dialectOf(db) === 'postgres' ? 'double precision' : 'real';
}

/**
 * Inside a transaction: waits until no other transaction holds any of `keys`, and holds them
 * until this one ends. A read-then-write transaction (next number of a sequence, a count checked
 * before an insert) is then decided one after another. SQLite already runs the hub's
 * transactions one at a time; PostgreSQL gets transaction-scoped advisory locks.
 */
export async function lockKeys(trx: AnyDb, keys: readonly string[]): Promise<void> {
  if (dialectOf(trx) !== 'postgres') return;
  // One order for every transaction, so two of them cannot wait on each other.
  for (const key of [...new Set(keys)].sort())
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
}
