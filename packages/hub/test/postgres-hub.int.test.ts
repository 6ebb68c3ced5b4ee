import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulation, type Simulation } from '@outpost/sim';
import { postgresMissing, startTestPostgres, type TestPostgresCluster } from '../src/storage/test-postgres.js';
import { BackupRefused, createBackup } from '../src/index.js';
import { eventually, restartablePort, startTestHub, type TestHub } from './support/test-hub.js';

const DEVICES = 6;

describe('a hub on PostgreSQL', { skip: postgresMissing() }, () => {
  let cluster: TestPostgresCluster;
  let url: string;
  let t: TestHub | undefined;
  let sim: Simulation | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'outpost-hub-pg-'));
  const cache = mkdtempSync(join(tmpdir(), 'outpost-sim-pg-'));
  let ports: { httpPort: number; mqttPort: number };
  let batchId = '';

  before(async () => {
    cluster = await startTestPostgres();
    url = await cluster.createDatabase('outpost');
    ports = { httpPort: await restartablePort(), mqttPort: await restartablePort() };
    t = await startTestHub({ ...ports, databaseUrl: url }, dir);
  });
  after(async () => {
    await sim?.stop({ clean: false });
    await t?.stop();
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(`${dir}.kek`, { force: true });
    rmSync(cache, { recursive: true, force: true });
  });

  it('keeps its database on the server, not in the data directory', () => {
    assert.equal(existsSync(join(dir, 'outpost.db')), false);
    assert.match(t!.logText(), /"database":"postgres:\/\/outpost@127\.0\.0\.1:\d+\/outpost"/);
    // The URL's password is not in the log.
    assert.equal(t!.logText().includes(new URL(url).password), false);
  });

  it('enrolls simulated devices, sees them online, runs a command and filters the inventory', async () => {
    const hub = t!;
    const tok = await hub.admin.enrollment.createToken({ label: 'pg sim', maxUses: DEVICES });
    sim = await startSimulation({
      hubUrl: hub.hub.httpUrl,
      mqttUrl: `mqtts://127.0.0.1:${hub.hub.mqttPort}`,
      caFingerprint: tok.caFingerprint,
      token: tok.token,
      devices: DEVICES,
      cacheDir: cache,
      prefix: 'pg',
      healthIntervalS: 2,
      rampMs: 300,
      backoff: { baseMs: 100, capMs: 1000 },
    });
    await eventually(
      async () => (await hub.admin.devices.list({ filter: 'online', count: true, limit: 1 })).total === DEVICES,
      60_000,
      200,
    );
    const b = await hub.admin.commands.sendWhere('online', 'get-info', { timeoutS: 30 });
    batchId = b.batchId;
    assert.equal(b.devices, DEVICES);
    await eventually(async () => (await hub.admin.commands.batch(b.batchId)).counts.succeeded === DEVICES, 60_000, 200);

    const all = await hub.admin.devices.list({ limit: 100, count: true });
    const model = all.items[0].model!;
    const page = await hub.admin.devices.list({ filter: `model = "${model}"`, limit: 100, count: true });
    const expected = all.items.filter((d) => d.model === model).map((d) => d.id);
    assert.deepEqual(page.items.map((d) => d.id).sort(), expected.sort());
    assert.equal(page.total, expected.length);
  });

  it('still knows its devices and commands after a restart, and they come back online', async () => {
    const before = await t!.admin.devices.list({ limit: 100, count: true });
    await t!.stop();
    t = undefined;
    t = await startTestHub({ ...ports, databaseUrl: url }, dir);
    const hub = t;
    const after = await hub.admin.devices.list({ limit: 100, count: true });
    assert.deepEqual(
      after.items.map((d) => d.id),
      before.items.map((d) => d.id),
    );
    await eventually(
      async () => (await hub.admin.devices.list({ filter: 'online', count: true, limit: 1 })).total === DEVICES,
      60_000,
      200,
    );
    const history = await hub.admin.devices.commands(after.items[0].id);
    assert.ok(
      history.items.some((c) => c.name === 'get-info' && c.state === 'succeeded'),
      JSON.stringify(history),
    );
    assert.equal((await hub.admin.commands.batch(batchId)).counts.succeeded, DEVICES);
  });

  it('logs no error from its work on PostgreSQL while it runs', () => {
    // The running hub's own log (the first one's shutdown is not PostgreSQL's business).
    const errors = t!
      .logText()
      .split('\n')
      .filter((line) => /"level":(50|60)/.test(line));
    assert.deepEqual(errors, []);
  });

  it('refuses a data-directory backup, pointing to pg_dump', async () => {
    await assert.rejects(
      createBackup({
        dataDir: dir,
        databaseUrl: url,
        out: join(dir, 'x.tar.gz'),
        kek: Buffer.alloc(32),
        now: new Date(),
      }),
      (err: unknown) =>
        err instanceof BackupRefused && err.code === 'database_on_postgres' && /pg_dump/.test(err.message),
    );
    assert.equal(existsSync(join(dir, 'x.tar.gz')), false);
  });
});
