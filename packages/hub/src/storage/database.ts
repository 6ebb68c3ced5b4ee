import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, type Migration, type MigrationProvider, type SqliteDatabase } from 'kysely';
import { FifoSqliteDialect } from './fifo-sqlite-dialect.js';
import type { Database, Db } from './schema.js';
import { assertKnownSchema } from './schema-version.js';
import { HUB_VERSION } from '../platform/version.js';
import { ensurePrivateFile } from '../platform/data-dir.js';
import { connectPostgres, describePostgresUrl } from './postgres.js';

export type { Db } from './schema.js';

/** Opens (or creates) the hub's SQLite database in WAL mode and applies the given migrations. */
export async function openSqlite(dataDir: string, migrations: Record<string, Migration>): Promise<Db> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, 'outpost.db');
  // SQLite creates its file with the process umask (0644 mostly) and its -wal/-shm files with the
  // database file's mode: a 0600 database keeps all three private.
  ensurePrivateFile(file);
  for (const side of ['-wal', '-shm']) if (existsSync(file + side)) ensurePrivateFile(file + side);
  const raw = new BetterSqlite3(file);
  raw.pragma('journal_mode = WAL');
  // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the last commits.
  raw.pragma('synchronous = NORMAL');
  raw.pragma('busy_timeout = 5000');
  raw.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new FifoSqliteDialect({ database: withStatementCache(raw) }) });
  try {
    await migrate(db, migrations);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return db;
}

// Kysely prepares every query anew; preparing is the largest single cost of a small query on
// better-sqlite3 (measured: more than the query itself on the device-connect path). Queries are
// built from a fixed set of shapes, so a bounded cache of prepared statements keyed by SQL text
// removes it. better-sqlite3 is synchronous, so a statement is never used by two queries at once.
const STATEMENT_CACHE = 1000;

function withStatementCache(raw: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => void raw.close(),
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (stmt) {
        // Refresh its place in the LRU order.
        cache.delete(sql);
      } else {
        stmt = raw.prepare(sql);
        if (cache.size >= STATEMENT_CACHE) cache.delete(cache.keys().next().value as string);
      }
      cache.set(sql, stmt);
      return stmt as unknown as ReturnType<SqliteDatabase['prepare']>;
    },
  };
}

/** Connects to the PostgreSQL database the URL names and applies the given migrations. */
export async function openPostgres(url: string, migrations: Record<string, Migration>): Promise<Db> {
  const db = connectPostgres(url);
  try {
    await migrate(db, migrations);
  } catch (err) {
    await db.destroy();
    throw new Error(`PostgreSQL database ${describePostgresUrl(url)}: ${(err as Error).message}`, { cause: err });
  }
  return db;
}

export async function migrate(db: Db, migrations: Record<string, Migration>): Promise<void> {
  await assertKnownSchema(db as Kysely<unknown>, migrations, HUB_VERSION);
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  // Domains add migrations in their own folders; they are independent, so order among them is free.
  const { error, results } = await new Migrator({ db, provider, allowUnorderedMigrations: true }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) throw new Error(`database migration failed: ${failed?.migrationName ?? ''} ${String(error)}`);
}
