// Test support: a fresh, fully migrated hub database for store contract suites.
// Every contract opens its database through openTestDatabase(), so running the suites on another
// dialect means teaching this one function to open it.
import { afterEach, beforeEach } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely } from 'kysely';
import { FifoSqliteDialect } from './fifo-sqlite-dialect.js';
import { hubMigrations } from '../domains/hub-modules.js';
import { migrate, type Db } from './database.js';
import type { Database } from './schema.js';

export interface TestDatabase {
  db: Db;
  close(): Promise<void>;
}

export type OpenTestDatabase = () => Promise<TestDatabase>;

function sqliteDb(raw: BetterSqlite3.Database): Db {
  raw.pragma('foreign_keys = ON');
  return new Kysely<Database>({ dialect: new FifoSqliteDialect({ database: raw }) });
}

// Migrating takes longer than most contract tests; each test starts from a copy of one migrated image.
let migratedImage: Promise<Buffer> | undefined;

function migratedSqliteImage(): Promise<Buffer> {
  migratedImage ??= (async () => {
    const raw = new BetterSqlite3(':memory:');
    const db = sqliteDb(raw);
    await migrate(db, hubMigrations());
    const image = raw.serialize();
    await db.destroy();
    return image;
  })();
  return migratedImage;
}

/** An in-memory SQLite database with every hub migration applied and foreign keys on, as in production. */
export async function openTestDatabase(): Promise<TestDatabase> {
  const db = sqliteDb(new BetterSqlite3(await migratedSqliteImage()));
  return { db, close: () => db.destroy() };
}

export interface TestDialect {
  name: string;
  open: OpenTestDatabase;
}

let selectedDialects: readonly TestDialect[] = [{ name: 'sqlite', open: openTestDatabase }];

/**
 * The dialects a contract runner runs its suites on, each with its opener: SQLite in the unit
 * tier; the PostgreSQL runner (stores-on-postgres.int.test.ts) selects its cluster instead.
 */
export function testDialects(): readonly TestDialect[] {
  return selectedDialects;
}

/** Makes the contract runners imported after this call run on `dialects`. */
export function selectTestDialects(dialects: readonly TestDialect[]): void {
  selectedDialects = dialects;
}

/**
 * Opens a fresh database before each test of the enclosing describe and closes it after;
 * the returned function gives the current test's database.
 */
export function freshDatabaseEachTest(open: OpenTestDatabase): () => Db {
  let current: TestDatabase | undefined;
  beforeEach(async () => {
    current = await open();
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error('no test database is open outside a test');
    return current.db;
  };
}
