import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { request } from 'node:https';
import { loadIdentity } from '@outpost/agent';
import { eventually, startTestHub } from './support/test-hub.js';
import { releaseArtifact, setupTrust, startUpdateFleet } from './support/updates.js';

const N = 60;

function fetchStatus(url: string, id: { privateKeyPem: string; certPem: string; caPem: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { key: id.privateKeyPem, cert: id.certPem, ca: id.caPem }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

test('with 30% of devices failing, the rollout aborts at the threshold and no device outside the started waves gets the artifact', async () => {
  const t = await startTestHub({ rolloutTickMs: 100 });
  const { keys } = await setupTrust(t);
  const cacheDir = (await import('node:fs')).mkdtempSync(join((await import('node:os')).tmpdir(), 'outpost-abort-'));
  const fleet = await startUpdateFleet(t, N, {
    prefix: 'ab',
    knobs: { installFailurePct: 30, healthFailurePct: 0 },
    cacheDir,
  });
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
      name: 'bad release',
      artifactId: art.id,
      target: { filter: 'id ~ "ab-"' },
      waves: [{ count: 10 }, { percent: 50 }, { percent: 100 }],
      // The abort threshold sits below what a wave may lose (10% of started devices against 90%
      // success per wave): whichever devices the spread puts in the canary, the abort comes first
      // and a wave cannot merely pause the rollout.
      successThresholdPct: 90,
      abortFailurePct: 10,
    });
    const done = await eventually(
      async () => {
        const x = await t.admin.rollouts.get(r.id);
        return x.state !== 'running' ? x : null;
      },
      60_000,
      100,
    );
    assert.equal(done.state, 'aborted', `state ${done.state}: ${done.reason}`);
    assert.match(done.reason ?? '', /failed \(abort at 10%\)/);
    const started = done.waves.filter((w) => w.startedAt).map((w) => w.idx);
    assert.ok(started.length < done.waves.length, 'the rollout stopped before its last wave');
    const startedDevices = done.waves.filter((w) => w.startedAt).reduce((s, w) => s + w.size, 0);
    const failures = (done.counts.failed ?? 0) + (done.counts.rolled_back ?? 0);
    assert.ok((failures * 100) / startedDevices >= 10, `aborted at ${failures}/${startedDevices}`);

    const { items: jobs } = await t.admin.rollouts.jobs(r.id, { limit: 1000 });
    const outside = jobs.filter((j) => !started.includes(j.wave));
    assert.ok(outside.length > 0);
    for (const j of outside) {
      assert.equal(j.state, 'canceled', `${j.deviceId} in wave ${j.wave + 1}`);
      assert.equal(j.dispatchedAt, null);
      const { history } = await t.admin.rollouts.job(j.id);
      assert.deepEqual(
        history!.map((h) => h.state),
        ['queued', 'canceled'],
      );
    }
    // The download itself refuses a device that was never sent the job, even with a valid certificate.
    const id = (await loadIdentity(join(cacheDir, t.hub.caFingerprint.slice(0, 16), outside[0].deviceId)))!;
    assert.equal(await fetchStatus(`${t.hub.httpUrl}/api/v1/artifacts/${art.id}/download`, id), 403);
    const ab = await t.admin.audit.list({ action: 'rollout.abort' });
    assert.equal(ab.items[0]?.target, `rollout:${r.id}`);
  } finally {
    await fleet.stop();
    await t.stop();
  }
});
