import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  createWriteStream,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import BetterSqlite3 from 'better-sqlite3';
import { createClient } from '@outpost/client';
import { startSimulation } from '@outpost/sim';
import { createLogger, loadConfig, startHub, SchemaTooNewError, HUB_VERSION, type Hub } from '../src/index.js';
import { eventually } from './support/test-hub.js';

// The data directory of the previous release (scripts/make-release-fixture.mjs, refreshed at each
// release): the current hub must start on it, migrate it forward and serve the same fleet.
const FIXTURE = join(import.meta.dirname, 'fixtures', 'previous-release');

interface Fixture {
  commit: string;
  hubVersion: string;
  adminPassword: string;
  devices: string[];
}

function copyFixture(to: string): Fixture {
  cpSync(join(FIXTURE, 'data'), join(to, 'data'), { recursive: true });
  cpSync(join(FIXTURE, 'devices'), join(to, 'devices'), { recursive: true });
  const db = join(to, 'data', 'outpost.db');
  writeFileSync(db, gunzipSync(readFileSync(`${db}.gz`)));
  rmSync(`${db}.gz`);
  // git keeps no permission bits but the executable one; the hub refuses a KEK file others can read.
  chmodSync(join(to, 'data', 'kek'), 0o600);
  // ...and a data directory others can enter: an operator upgrading one is told to run this chmod.
  chmodSync(join(to, 'data'), 0o700);
  return JSON.parse(readFileSync(join(FIXTURE, 'fixture.json'), 'utf8')) as Fixture;
}

function start(dataDir: string, log: NodeJS.WritableStream): Promise<Hub> {
  const config = loadConfig({
    flags: { dataDir, httpPort: 0, mqttPort: 0, bind: '127.0.0.1', presenceSweepMs: 200, ingestFlushMs: 10 },
  });
  return startHub(config, { logger: createLogger('info', log) });
}

test('the current hub starts on the previous release data directory: migrated forward, same fleet, audit intact, sign-in works', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-upgrade-'));
  const fixture = copyFixture(dir);
  const dataDir = join(dir, 'data');
  const log = createWriteStream(join(dir, 'hub.log'), { flags: 'a' });
  let hub: Hub | undefined;
  let sim: Awaited<ReturnType<typeof startSimulation>> | undefined;
  try {
    hub = await start(dataDir, log);
    const { session } = await createClient({ baseUrl: hub.httpUrl, caPem: hub.caPem }).login(
      'admin',
      fixture.adminPassword,
    );
    const admin = createClient({ baseUrl: hub.httpUrl, caPem: hub.caPem, session });

    const { items } = await admin.devices.list({ limit: 100 });
    assert.deepEqual(items.map((d) => d.id).sort(), fixture.devices);
    // The KEK and the clear server key the previous release kept inside the directory are gone from it.
    assert.equal(existsSync(join(dataDir, 'kek')), false);
    assert.equal(existsSync(`${dataDir}.kek`), true);
    assert.equal(existsSync(join(dataDir, 'pki', 'server.key')), false);
    const audit = await admin.audit.verify();
    assert.equal(audit.ok, true, JSON.stringify(audit));
    assert.ok(audit.records > 0);

    // The previous release's devices come back with the certificates it issued.
    sim = await startSimulation({
      hubUrl: hub.httpUrl,
      mqttUrl: hub.mqttUrl,
      caFingerprint: hub.caFingerprint,
      devices: fixture.devices.length,
      cacheDir: join(dir, 'devices'),
      prefix: 'fx',
      rampMs: 100,
      backoff: { baseMs: 100, capMs: 1000 },
    });
    await eventually(
      async () =>
        (await admin.devices.list({ filter: 'online', limit: 1, count: true })).total === fixture.devices.length,
      60_000,
      200,
    );
    await sim.stop();
    sim = undefined;
    await hub.stop();
    hub = undefined;

    const raw = new BetterSqlite3(join(dataDir, 'outpost.db'));
    const migrations = raw.prepare('select name from kysely_migration').all() as Array<{ name: string }>;
    assert.ok(migrations.some((m) => m.name === '014_storage_hub_versions'));
    const versions = raw.prepare('select hub_version from hub_versions').all() as Array<{ hub_version: string }>;
    assert.deepEqual(
      versions.map((v) => v.hub_version),
      [HUB_VERSION],
    );
    // A newer release migrates the same data further; this hub then refuses it, naming both.
    raw
      .prepare("insert into kysely_migration (name, timestamp) values ('099_future_feature', ?)")
      .run(new Date().toISOString());
    raw.prepare("insert into hub_versions values ('99.0.0', 99, '2030-01-01T00:00:00Z', '2030-01-01T00:00:00Z')").run();
    raw.close();
    await assert.rejects(start(dataDir, log), (err: unknown) => {
      assert.ok(err instanceof SchemaTooNewError);
      assert.match(
        err.message,
        /^schema_too_new: this data was written by Outpost hub 99\.0\.0 \(schema 99\); this is Outpost hub \S+ \(schema \d+\), which does not know migration\(s\) 099_future_feature/,
      );
      return true;
    });
  } finally {
    await sim?.stop();
    await hub?.stop();
    await new Promise<void>((r) => log.end(r));
    rmSync(dir, { recursive: true, force: true });
  }
});
