// Test support: fresh, fully migrated hub databases on a throw-away PostgreSQL cluster, for the
// store contract suites. The migrations run once into a template; each suite gets its own copy
// of it (CREATE DATABASE … TEMPLATE), and each test starts with every table of that copy emptied
// (the migrations seed no rows and create no identity columns, so an emptied database equals a
// freshly migrated one). A database per test would cost a second or more each on a loaded machine.
import { sql } from 'kysely';
import { hubMigrations } from '../domains/hub-modules.js';
import { migrate, type Db } from './database.js';
import { connectPostgres } from './postgres.js';
import type { OpenTestDatabase } from './test-database.js';
import type { TestPostgresCluster } from './test-postgres.js';

const TEMPLATE = 'hub_template';

/** Migrates the template database every suite database copies (once per cluster). */
function migratedTemplate(cluster: TestPostgresCluster): Promise<void> {
  const cache =
    templates.get(cluster) ??
    (async () => {
      const db = connectPostgres(await cluster.createDatabase(TEMPLATE), 2);
      try {
        await migrate(db, hubMigrations());
      } finally {
        await db.destroy();
      }
    })();
  templates.set(cluster, cache);
  return cache;
}
const templates = new WeakMap<TestPostgresCluster, Promise<void>>();

// One round trip: DELETE is cheaper than TRUNCATE on tables of a few rows (TRUNCATE replaces
// each table's files), and the hub's tables have no foreign keys to order the deletes by.
async function emptyEveryTable(db: Db): Promise<void> {
  await sql`DO $$
    DECLARE t text;
    BEGIN
      FOR t IN SELECT tablename FROM pg_tables
               WHERE schemaname = current_schema() AND tablename NOT LIKE 'kysely_migration%' LOOP
        EXECUTE format('DELETE FROM %I', t);
      END LOOP;
    END $$`.execute(db);
}

/**
 * An opener for one suite: a database of its own named `name` on `cluster`, emptied before each
 * test. It is dropped with the cluster.
 */
export function postgresSuiteDatabase(cluster: TestPostgresCluster, name: string): OpenTestDatabase {
  let db: Promise<Db> | undefined;
  return async () => {
    db ??= (async () => {
      await migratedTemplate(cluster);
      return connectPostgres(await cluster.createDatabase(name, TEMPLATE), 4);
    })();
    const current = await db;
    await emptyEveryTable(current);
    // The connection pool lives as long as the suite; the cluster's stop ends it.
    return { db: current, close: async () => {} };
  };
}
