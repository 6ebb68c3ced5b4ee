import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, type Migration } from 'kysely';
import { FifoSqliteDialect } from './fifo-sqlite-dialect.js';
import { migrate, type Db } from './database.js';
import type { Database } from './schema.js';
import { hubMigrations } from '../domains/hub-modules.js';
import { recordHubVersion, SchemaTooNewError, schemaVersionOf } from './schema-version.js';
import { HUB_VERSION } from '../platform/version.js';

function memoryDb(): Db {
  return new Kysely<Database>({ dialect: new FifoSqliteDialect({ database: new BetterSqlite3(':memory:') }) });
}

describe('schema version', () => {
  it('is the highest NNN of the migration names', () => {
    assert.equal(schemaVersionOf(['001_inventory', '014_storage_hub_versions', '007_devices_x']), 14);
    assert.equal(schemaVersionOf([]), 0);
    assert.ok(schemaVersionOf(Object.keys(hubMigrations())) >= 14);
  });

  it('records each hub release that opened the database, once per release', async () => {
    const db = memoryDb();
    try {
      await migrate(db, hubMigrations());
      await recordHubVersion(db, '0.1.0', 12, new Date('2026-12-01T00:00:00Z'));
      await recordHubVersion(db, '0.1.0', 12, new Date('2026-12-02T00:00:00Z'));
      await recordHubVersion(db, '0.2.0', 13, new Date('2026-12-03T00:00:00Z'));
      const rows = await db.selectFrom('hub_versions').selectAll().orderBy('hub_version').execute();
      assert.deepEqual(rows, [
        {
          hub_version: '0.1.0',
          schema_version: 12,
          first_opened_at: '2026-12-01T00:00:00.000Z',
          last_opened_at: '2026-12-02T00:00:00.000Z',
        },
        {
          hub_version: '0.2.0',
          schema_version: 13,
          first_opened_at: '2026-12-03T00:00:00.000Z',
          last_opened_at: '2026-12-03T00:00:00.000Z',
        },
      ]);
    } finally {
      await db.destroy();
    }
  });

  it('refuses a database a newer hub migrated, naming both releases and the unknown migration', async () => {
    const db = memoryDb();
    try {
      const newer: Record<string, Migration> = { ...hubMigrations(), '099_future_things': { up: async () => {} } };
      await migrate(db, newer);
      await recordHubVersion(db, '0.2.0', 13, new Date('2026-12-03T00:00:00Z'));
      await assert.rejects(migrate(db, hubMigrations()), (err: unknown) => {
        assert.ok(err instanceof SchemaTooNewError);
        assert.equal(err.code, 'schema_too_new');
        assert.deepEqual(err.unknown, ['099_future_things']);
        assert.match(
          err.message,
          new RegExp(
            `written by Outpost hub 0\\.2\\.0 \\(schema 99\\); this is Outpost hub ${HUB_VERSION.replace(/\./g, '\\.')} ` +
              `\\(schema ${schemaVersionOf(Object.keys(hubMigrations()))}\\), which does not know migration\\(s\\) 099_future_things`,
          ),
        );
        return true;
      });
    } finally {
      await db.destroy();
    }
  });

  it('runs forward over a database of an older hub (a migration it lacks is applied)', async () => {
    const db = memoryDb();
    try {
      const older = { ...hubMigrations() };
      delete older['014_storage_hub_versions'];
      await migrate(db, older);
      await migrate(db, hubMigrations());
      await recordHubVersion(db, HUB_VERSION, 14, new Date('2026-12-03T00:00:00Z'));
      assert.equal((await db.selectFrom('hub_versions').selectAll().execute()).length, 1);
    } finally {
      await db.destroy();
    }
  });
});
