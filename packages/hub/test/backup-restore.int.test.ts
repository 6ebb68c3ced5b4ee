import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { createBackup, defaultKekPath, restoreBackup } from '../src/index.js';
import { eventually, restartablePort, startTestHub, type TestHub } from './support/test-hub.js';
import { releaseArtifact, setupTrust, startUpdateFleet } from './support/updates.js';

const N = 24;

test('a backup taken while devices report, a rollout runs and operators write restores into a hub that serves the same fleet', async () => {
  const root = mkdtempSync(join(tmpdir(), 'outpost-backup-int-'));
  // The restored hub takes the original's ports, as a replacement machine would take its address.
  const ports = { httpPort: await restartablePort(), mqttPort: await restartablePort(), rolloutTickMs: 100 };
  const cacheDir = join(root, 'fleet');
  let t: TestHub | undefined = await startTestHub(ports, join(root, 'original'));
  let fleet: Awaited<ReturnType<typeof startUpdateFleet>> | undefined;
  let writing = true;
  let writer: Promise<number> = Promise.resolve(0);
  try {
    const original = t;
    const { keys } = await setupTrust(original);
    fleet = await startUpdateFleet(original, N, { prefix: 'bk', cacheDir, rebootDelayMs: 1500 });
    const ids = fleet.ids.slice().sort();
    await eventually(
      async () => (await original.admin.devices.list({ filter: 'online', limit: 1, count: true })).total === N,
      90_000,
      200,
    );
    const art = await releaseArtifact(original, keys, {
      version: '9.1.0',
      models: ['gw-200', 'gw-300', 'rtr-lte-5', 'ser-2x'],
    });
    const rollout = await original.admin.rollouts.create({
      name: 'during a backup',
      artifactId: art.id,
      target: { filter: 'id ~ "bk-"' },
      waves: [{ count: 4 }, { percent: 100 }],
      maxInFlight: 3,
    });
    await eventually(
      async () => ((await original.admin.rollouts.get(rollout.id)).counts.succeeded ?? 0) >= 2,
      60_000,
      50,
    );
    // Operators keep writing (each write is an audit record) while the backup runs.
    writer = (async () => {
      let n = 0;
      while (writing) await original.admin.groups.create({ kind: 'static', path: `load/g${++n}` });
      return n;
    })();
    await eventually(
      () =>
        original.hub.db
          .selectFrom('groups')
          .select('id')
          .limit(3)
          .execute()
          .then((r) => r.length === 3),
      30_000,
    );

    const archive = join(root, 'hub.tar.gz');
    const kek = readFileSync(defaultKekPath(original.dir));
    const { manifest } = await createBackup({ dataDir: original.dir, out: archive, kek, now: new Date() });
    writing = false;
    const written = await writer;
    assert.ok(written > 0);
    assert.ok(
      manifest.entries.some((e) => e.path === `data/artifacts/${art.sha256}`),
      'the artifact is in the backup',
    );

    // Like a power cut: a clean stop would wait for each offline status to be acknowledged.
    await fleet.stop({ clean: false });
    fleet = undefined;
    await original.stop();
    t = undefined;

    // The snapshot caught the rollout running.
    const restoredDir = join(root, 'restored');
    await restoreBackup({ archive, dataDir: restoredDir, kek, writeKekFile: true });
    const raw = new BetterSqlite3(join(restoredDir, 'outpost.db'), { readonly: true });
    const state = raw.prepare('select state from rollouts where id = ?').get(rollout.id) as { state: string };
    raw.close();
    assert.equal(state.state, 'running');

    t = await startTestHub(ports, restoredDir);
    const restored = t;
    const audit = await restored.admin.audit.verify();
    assert.equal(audit.ok, true, JSON.stringify(audit));
    const { items } = await restored.admin.devices.list({ limit: 1000 });
    assert.deepEqual(items.map((d) => d.id).sort(), ids);
    assert.equal(restored.hub.caFingerprint, original.hub.caFingerprint);

    // The devices come back with the certificates the original hub issued, and the rollout finishes.
    fleet = await startUpdateFleet(restored, N, { prefix: 'bk', cacheDir, rebootDelayMs: 300 });
    await eventually(
      async () => (await restored.admin.devices.list({ filter: 'online', limit: 1, count: true })).total === N,
      90_000,
      200,
    );
    const done = await eventually(
      async () => {
        const r = await restored.admin.rollouts.get(rollout.id);
        return r.state === 'completed' ? r : null;
      },
      120_000,
      200,
    );
    // A device the original hub updated after the snapshot is already on the version: skipped.
    assert.equal((done.counts.succeeded ?? 0) + (done.counts.skipped ?? 0), N, JSON.stringify(done.counts));
    assert.ok((done.counts.succeeded ?? 0) > 0, JSON.stringify(done.counts));
    const after = await restored.admin.devices.list({ limit: 1000 });
    assert.deepEqual(new Set(after.items.map((d) => d.firmware)), new Set(['9.1.0']));
    assert.equal((await restored.admin.audit.verify()).ok, true);
  } finally {
    writing = false;
    await writer.catch(() => 0);
    await fleet?.stop({ clean: false });
    await t?.stop();
    rmSync(root, { recursive: true, force: true });
  }
});
