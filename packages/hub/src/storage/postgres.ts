import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { Database, Db } from './schema.js';

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** Whether a database setting names a PostgreSQL server (`postgres://` or `postgresql://`). */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

// node-postgres hands 64-bit integers (bigint columns, COUNT(*)) and numerics (SUM of bigints)
// back as strings to keep their precision. The hub's values are epoch milliseconds, counters and
// sizes, all well inside 2^53, and SQLite returns them as numbers: both engines give numbers.
function bigToNumber(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) && !(Number.isFinite(n) && text.includes('.')))
    throw new RangeError(`a database value exceeds the safe integer range: ${text}`);
  return n;
}

const hubTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID || oid === NUMERIC_OID) return bigToNumber;
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** Which server a URL names, without its password, for logs and messages. */
export function describePostgresUrl(url: string): string {
  try {
    const u = new URL(url);
    const db = u.pathname.replace(/^\//, '') || '(default database)';
    return `postgres://${u.username ? `${decodeURIComponent(u.username)}@` : ''}${u.host}/${db}`;
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

/** A Kysely database on the PostgreSQL server the URL names (nothing is migrated). */
export function connectPostgres(url: string, poolSize = 10, o: { keepIdle?: boolean } = {}): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // Session state (advisory locks) must outlive idle moments on a connection kept for it.
    ...(o.keepIdle ? { idleTimeoutMillis: 0 } : {}),
    types: hubTypes,
    application_name: 'outpost-hub',
    // A server that never answers must not hang the hub's start forever.
    connectionTimeoutMillis: 15_000,
  });
  // An idle client losing its connection (server restart) emits on the pool: without a listener
  // the process would exit; the next query gets a fresh connection or a clear error.
  pool.on('error', () => {});
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
