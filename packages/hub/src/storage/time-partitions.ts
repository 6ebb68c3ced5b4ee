// Time-series tables on PostgreSQL: declaratively range-partitioned by day, partitions created
// ahead by a job, retention by dropping whole days. SQLite keeps plain tables and DELETE.
// Each partitioned table has a DEFAULT partition for rows outside the days made so far (a device
// clock far off): creating a day moves its rows out of it first, so the attach never fails.
import { sql, type Kysely } from 'kysely';
import { dialectOf } from './sql-dialect.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations and jobs work on any schema
type AnyDb = Kysely<any>;

/** A table partitioned by time, and how its time column is written: ISO text or epoch milliseconds. */
export interface TimeSeriesTable {
  table: string;
  column: string;
  kind: 'iso' | 'ms';
  /**
   * The primary key the partitioned table gets (a partitioned table's unique keys must hold the
   * partition column): it replaces the plain table's own, which lacks it.
   */
  primaryKey?: { name: string; columns: readonly string[] };
}

export const TIME_PARTITIONED: readonly TimeSeriesTable[] = [
  { table: 'health_samples', column: 'ts', kind: 'iso' },
  { table: 'traffic_samples', column: 'ts', kind: 'iso' },
  { table: 'stream_values', column: 'ts', kind: 'ms' },
  // An event's time comes from the device and is the same in a redelivered batch, so the key
  // (device, number, time) still keeps the first copy of a redelivered event.
  {
    table: 'device_events',
    column: 'ts',
    kind: 'iso',
    primaryKey: { name: 'device_events_pk', columns: ['device_id', 'seq', 'ts'] },
  },
];

/** The tables migration 035 converted; later ones convert theirs by name. */
export const PARTITIONED_AT_035 = ['health_samples', 'traffic_samples', 'stream_values'] as const;

const DAY_MS = 86_400_000;
/** Days made ahead of today, and the furthest back a conversion makes days for (older rows go to DEFAULT). */
export const DAYS_AHEAD = 7;
const DAYS_BACK_AT_CONVERSION = 400;

const dayStart = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;
const dayName = (t: TimeSeriesTable, dayMs: number) =>
  `${t.table}_p${new Date(dayMs).toISOString().slice(0, 10).replaceAll('-', '')}`;
const bound = (t: TimeSeriesTable, ms: number) =>
  t.kind === 'ms' ? sql.lit(ms) : sql.lit(new Date(ms).toISOString().slice(0, 10));
const spec = (name: string) => {
  const t = TIME_PARTITIONED.find((x) => x.table === name);
  if (!t) throw new Error(`${name} is not a time-partitioned table`);
  return t;
};

/** Makes the day starting at `dayMs` a partition of its own (moving its rows out of DEFAULT); idempotent. */
async function ensureDay(db: AnyDb, t: TimeSeriesTable, dayMs: number): Promise<boolean> {
  const name = dayName(t, dayMs);
  const exists = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_class WHERE relname = ${name}`.execute(db);
  if (exists.rows[0].n > 0) return false;
  const lo = bound(t, dayMs);
  const hi = bound(t, dayMs + DAY_MS);
  const col = sql.ref(t.column);
  // Inside a migration the caller's transaction holds the steps together already.
  const atomically = (fn: (trx: AnyDb) => Promise<void>) => (db.isTransaction ? fn(db) : db.transaction().execute(fn));
  await atomically(async (trx) => {
    await sql`CREATE TABLE ${sql.id(name)} (LIKE ${sql.id(t.table)} INCLUDING DEFAULTS)`.execute(trx);
    await sql`WITH moved AS (DELETE FROM ${sql.id(`${t.table}_default`)} WHERE ${col} >= ${lo} AND ${col} < ${hi} RETURNING *)
      INSERT INTO ${sql.id(name)} SELECT * FROM moved`.execute(trx);
    await sql`ALTER TABLE ${sql.id(t.table)} ATTACH PARTITION ${sql.id(name)} FOR VALUES FROM (${lo}) TO (${hi})`.execute(
      trx,
    );
  });
  return true;
}

/** The job: days from yesterday to DAYS_AHEAD ahead exist for every partitioned table. Returns the days made. */
export async function ensureTimePartitions(db: AnyDb, nowMs: number): Promise<number> {
  if (dialectOf(db) !== 'postgres') return 0;
  let made = 0;
  for (const t of TIME_PARTITIONED)
    for (let d = -1; d <= DAYS_AHEAD; d++) if (await ensureDay(db, t, dayStart(nowMs) + d * DAY_MS)) made++;
  return made;
}

/** The day partitions of a table, oldest first, with the day each starts (ms). */
export async function dayPartitions(db: AnyDb, table: string): Promise<Array<{ name: string; dayMs: number }>> {
  const rows = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
    WHERE p.relname = ${table}`.execute(db);
  const re = new RegExp(`^${table}_p(\\d{4})(\\d{2})(\\d{2})$`);
  return rows.rows
    .map((r) => ({ name: r.name, m: re.exec(r.name) }))
    .filter((r) => r.m)
    .map((r) => ({ name: r.name, dayMs: Date.UTC(Number(r.m![1]), Number(r.m![2]) - 1, Number(r.m![3])) }))
    .sort((a, b) => a.dayMs - b.dayMs);
}

/**
 * Retention: deletes the rows older than `cutoffMs` from a time-series table. On PostgreSQL every
 * day partition that ends by the cutoff is dropped whole; only the day the cutoff falls in and the
 * DEFAULT partition are trimmed by DELETE, so the result is the same as SQLite's DELETE.
 * Returns the number of rows removed.
 */
export async function deleteTimeSeriesBefore(db: AnyDb, table: string, cutoffMs: number): Promise<number> {
  const t = spec(table);
  const col = sql.ref(t.column);
  const cut = t.kind === 'ms' ? sql.lit(cutoffMs) : sql.lit(new Date(cutoffMs).toISOString());
  if (dialectOf(db) !== 'postgres') {
    const r = await sql`DELETE FROM ${sql.id(table)} WHERE ${col} < ${cut}`.execute(db);
    return Number(r.numAffectedRows ?? 0);
  }
  let removed = 0;
  for (const p of await dayPartitions(db, table)) {
    if (p.dayMs + DAY_MS > cutoffMs) break;
    const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.id(p.name)}`.execute(db);
    await sql`DROP TABLE ${sql.id(p.name)}`.execute(db);
    removed += n.rows[0].n;
  }
  // The partial day (pruned to its partition) and rows parked in DEFAULT.
  const r = await sql`DELETE FROM ${sql.id(table)} WHERE ${col} < ${cut}`.execute(db);
  return removed + Number(r.numAffectedRows ?? 0);
}

/**
 * A migration (PostgreSQL only): each of `tables` becomes a partitioned table of the same name, columns
 * and indexes; its rows are copied into day partitions (from its oldest day, at most
 * DAYS_BACK_AT_CONVERSION back; older rows into DEFAULT) and the plain table is dropped.
 */
export async function convertToTimePartitions(
  db: AnyDb,
  nowMs: number,
  tables: readonly string[] = PARTITIONED_AT_035,
): Promise<void> {
  if (dialectOf(db) !== 'postgres') return;
  for (const t of tables.map(spec)) {
    const old = `${t.table}_unpartitioned`;
    // Every index but the primary key's, which is made anew below when the table names one.
    const indexes = await sql<{ indexdef: string }>`
      SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ${t.table}
        AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype = 'p' AND conrelid = ${t.table}::regclass)`.execute(
      db,
    );
    await sql`ALTER TABLE ${sql.id(t.table)} RENAME TO ${sql.id(old)}`.execute(db);
    await sql`CREATE TABLE ${sql.id(t.table)} (LIKE ${sql.id(old)} INCLUDING DEFAULTS) PARTITION BY RANGE (${sql.ref(t.column)})`.execute(
      db,
    );
    await sql`CREATE TABLE ${sql.id(`${t.table}_default`)} PARTITION OF ${sql.id(t.table)} DEFAULT`.execute(db);
    const oldest = await sql<{
      m: string | number | null;
    }>`SELECT min(${sql.ref(t.column)}) AS m FROM ${sql.id(old)}`.execute(db);
    const m = oldest.rows[0].m;
    const oldestMs = m === null ? nowMs : t.kind === 'ms' ? Number(m) : Date.parse(String(m));
    const from = dayStart(
      Math.max(Number.isFinite(oldestMs) ? oldestMs : nowMs, nowMs - DAYS_BACK_AT_CONVERSION * DAY_MS),
    );
    for (let d = Math.min(from, dayStart(nowMs) - DAY_MS); d <= dayStart(nowMs) + DAYS_AHEAD * DAY_MS; d += DAY_MS)
      await ensureDay(db, t, d);
    await sql`INSERT INTO ${sql.id(t.table)} SELECT * FROM ${sql.id(old)}`.execute(db);
    await sql`DROP TABLE ${sql.id(old)}`.execute(db);
    // The same indexes, now on the partitioned table (each partition gets its own).
    for (const i of indexes.rows) await sql.raw(i.indexdef).execute(db);
    if (t.primaryKey)
      await sql`ALTER TABLE ${sql.id(t.table)} ADD CONSTRAINT ${sql.id(t.primaryKey.name)}
        PRIMARY KEY (${sql.join(t.primaryKey.columns.map((c) => sql.ref(c)))})`.execute(db);
  }
}
