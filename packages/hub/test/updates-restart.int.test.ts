import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { profileOf } from '@outpost/sim';
import { eventually, restartablePort, startTestHub } from './support/test-hub.js';
import { releaseArtifact, setupTrust, startUpdateFleet } from './support/updates.js';

const N = 60;

test('a hub killed in the middle of a rollout and started again finishes it: no device updated twice, none forgotten', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-hub-restart-'));
  const ports = { httpPort: await restartablePort(), mqttPort: await restartablePort(), rolloutTickMs: 100 };
  let t = await startTestHub(ports, dir);
  const { keys } = await setupTrust(t);
  const cacheDir = mkdtempSync(join(tmpdir(), 'outpost-restart-fleet-'));
  const fleet = await startUpdateFleet(t, N, { prefix: 'rs', cacheDir });
  try {
    await eventually(
      async () => (await t.admin.devices.list({ filter: 'online', limit: 1, count: true })).total === N,
      60_000,
      200,
    );
    const art = await releaseArtifact(t, keys, {
      version: '9.0.0',
      models: ['gw-200', 'gw-300', 'rtr-lte-5', 'ser-2x'],
    });
    const r = await t.admin.rollouts.create({
      name: 'through a restart',
      artifactId: art.id,
      target: { filter: 'id ~ "rs-"' },
      waves: [{ count: 5 }, { percent: 100 }],
      maxInFlight: 8,
    });
    await eventually(async () => ((await t.admin.rollouts.get(r.id)).counts.succeeded ?? 0) >= 12, 60_000, 50);
    await t.hub.stop(); // mid-rollout: jobs queued, in flight and done
    const before = await startTestHub(ports, dir).then((x) => (t = x));
    assert.ok(before);
    const done = await eventually(
      async () => {
        const x = await t.admin.rollouts.get(r.id);
        return x.state === 'completed' ? x : null;
      },
      90_000,
      200,
    );
    assert.equal(done.counts.succeeded, N, JSON.stringify(done.counts));
    const { items: jobs } = await t.admin.rollouts.jobs(r.id, { limit: 1000 });
    assert.equal(jobs.length, N);
    for (const j of jobs) {
      const states = (await t.admin.rollouts.job(j.id)).history!.map((h) => h.state);
      // Steps a device reported while the hub was down are not in the history (the device re-sends
      // where it is, not every step), so "installing" may be missing; it is never there twice.
      assert.ok(states.filter((s) => s === 'installing').length <= 1, `${j.deviceId}: ${states.join(' → ')}`);
      assert.equal(states.filter((s) => s === 'succeeded').length, 1, `${j.deviceId}: ${states.join(' → ')}`);
      // On the device: one slot holds the old firmware, the other the new one. A second install
      // would have written 9.0.0 over the old slot too.
      const ab = JSON.parse(
        readFileSync(join(cacheDir, t.hub.caFingerprint.slice(0, 16), j.deviceId, 'updates', 'ab-state.json'), 'utf8'),
      ) as { slots: Record<string, { version: string }> };
      const versions = Object.values(ab.slots)
        .map((s) => s.version)
        .sort();
      assert.deepEqual(versions, [profileOf(Number(j.deviceId.slice(3))).firmware, '9.0.0'].sort(), j.deviceId);
    }
  } finally {
    await fleet.stop();
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
