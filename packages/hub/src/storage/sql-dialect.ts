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

/** What a job gate did: ran the work (with its result), or left it to the process that holds it. */
export type AloneOutcome<T> = { ran: true; result: T } | { ran: false };

export interface JobGate {
  /** Runs `work` unless another hub on the same database is running work of that name now. */
  runAlone<T>(name: string, work: () => Promise<T>): Promise<AloneOutcome<T>>;
}

/**
 * On PostgreSQL several hub replicas may share one database, and each background job should run
 * on one of them at a time: a session advisory lock per job name, taken without waiting and held
 * while the work runs. The locks live on `lockDb`, a connection of their own (a pool of one that
 * never closes its idle connection): a job holding one of the pool's connections while its work
 * needs another could exhaust the pool. A lost lock connection releases its locks. Without a
 * lock connection (SQLite: one hub per database) the work always runs.
 */
export function createJobGate(lockDb: AnyDb | null): JobGate {
  return {
    async runAlone(name, work) {
      if (!lockDb) return { ran: true, result: await work() };
      const key = `outpost-job:${name}`;
      const { rows } = await sql<{
        got: boolean;
      }>`SELECT pg_try_advisory_lock(hashtextextended(${key}, 0)) AS got`.execute(lockDb);
      if (!rows[0]?.got) return { ran: false };
      try {
        return { ran: true, result: await work() };
      } finally {
        await sql`SELECT pg_advisory_unlock(hashtextextended(${key}, 0))`.execute(lockDb);
      }
    },
  };
}

/** The smaller of two SQL expressions: SQLite's two-argument `min`, PostgreSQL's `LEAST`. */
export function smallerOf(db: AnyDb, a: RawBuilder<unknown>, b: RawBuilder<unknown>): RawBuilder<number> {
  return dialectOf(db) === 'postgres' ? sql<number>`LEAST(${a}, ${b})` : sql<number>`min(${a}, ${b})`;
}

/** The larger of two SQL expressions: SQLite's two-argument `max`, PostgreSQL's `GREATEST`. */
export function largerOf(db: AnyDb, a: RawBuilder<unknown>, b: RawBuilder<unknown>): RawBuilder<number> {
  return dialectOf(db) === 'postgres' ? sql<number>`GREATEST(${a}, ${b})` : sql<number>`max(${a}, ${b})`;
}
