import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simUpdateFaults } from '@outpost/sim';
import type { RolloutJobRecord } from '@outpost/protocol';
import { eventually, startTestHub } from './support/test-hub.js';
import { releaseArtifact, setupTrust, startUpdateFleet } from './support/updates.js';

const N = 500;
const KNOBS = { installFailurePct: 2, healthFailurePct: 1 };
const MODELS = ['gw-200', 'gw-300', 'rtr-lte-5', 'ser-2x'];

test(
  `a rollout to ${N} simulated devices with 2% install and 1% health-check failures ends with the right outcome for each`,
  { timeout: 240_000 },
  async () => {
    const t = await startTestHub({ rolloutTickMs: 100 });
    const { keys } = await setupTrust(t);
    const fleet = await startUpdateFleet(t, N, { prefix: 'fl', knobs: KNOBS, rebootDelayMs: 200 });
    try {
      await eventually(
        async () => (await t.admin.devices.list({ filter: 'online', limit: 1, count: true })).total === N,
        60_000,
        250,
      );
      const art = await releaseArtifact(t, keys, { version: '9.0.0', models: MODELS, size: 8192 });
      const r = await t.admin.rollouts.create({
        name: 'fleet 9.0.0',
        artifactId: art.id,
        target: { filter: 'id ~ "fl-"' },
        waves: [{ count: 20 }, { percent: 40 }, { percent: 100 }],
        successThresholdPct: 80,
        abortFailurePct: 25,
        maxInFlight: 300,
        healthDeadlineS: 30,
      });
      assert.equal(r.state, 'running');
      assert.deepEqual(
        r.waves.map((w) => w.size),
        [20, 180, 300],
      );
      const done = await eventually(
        async () => {
          const x = await t.admin.rollouts.get(r.id);
          return x.state === 'completed' || x.state === 'aborted' ? x : null;
        },
        90_000,
        250,
      );
      assert.equal(done.state, 'completed', `rollout ended ${done.state}: ${done.reason}`);

      const jobs: RolloutJobRecord[] = [];
      for (let offset = 0; offset < N; offset += 1000)
        jobs.push(...(await t.admin.rollouts.jobs(r.id, { limit: 1000, offset })).items);
      assert.equal(jobs.length, N);
      const expected = (deviceId: string) => {
        const f = simUpdateFaults(Number(deviceId.slice(3)), { ...KNOBS });
        return f.failInstall ? 'failed' : f.failHealth ? 'rolled_back' : 'succeeded';
      };
      const tally: Record<string, number> = {};
      for (const j of jobs) {
        assert.equal(j.state, expected(j.deviceId), `${j.deviceId}: ${j.state} (${j.reason}: ${j.lastError})`);
        tally[j.state] = (tally[j.state] ?? 0) + 1;
      }
      assert.ok(
        (tally.failed ?? 0) > 0 && (tally.rolled_back ?? 0) > 0,
        `both failure kinds happened: ${JSON.stringify(tally)}`,
      );
      assert.equal(done.counts.succeeded, tally.succeeded);

      // The history explains each outcome.
      const sample = (state: string) => jobs.find((j) => j.state === state)!;
      const path = async (j: RolloutJobRecord) =>
        (await t.admin.rollouts.job(j.id)).history!.map((h) => h.state + (h.reason ? `(${h.reason})` : ''));
      assert.deepEqual(await path(sample('succeeded')), [
        'queued',
        'sent',
        'downloading',
        'downloaded',
        'installing',
        'rebooting',
        'verifying',
        'succeeded',
      ]);
      assert.deepEqual(await path(sample('failed')), [
        'queued',
        'sent',
        'downloading',
        'downloaded',
        'installing',
        'failed(install_failed)',
      ]);
      assert.deepEqual(await path(sample('rolled_back')), [
        'queued',
        'sent',
        'downloading',
        'downloaded',
        'installing',
        'rebooting',
        'verifying',
        'rolled_back(health_check_failed)',
      ]);

      // Devices report what they run after their reboot: the new version only where the update stuck.
      const s = sample('succeeded');
      const rb = sample('rolled_back');
      assert.equal((await t.admin.devices.get(s.deviceId)).firmware, '9.0.0');
      await eventually(async () => (await t.admin.devices.get(rb.deviceId)).firmware === rb.fromVersion, 10_000);

      // The canary gated the rest: no device of a later wave was sent the job before the canary passed.
      const waves = done.waves;
      assert.ok(waves.every((w) => w.state === 'passed'));
      const firstSent = new Map<number, string>();
      for (const j of jobs) {
        const at = j.dispatchedAt!;
        if (!firstSent.has(j.wave) || at < firstSent.get(j.wave)!) firstSent.set(j.wave, at);
      }
      for (let w = 1; w < waves.length; w++)
        assert.ok(firstSent.get(w)! >= waves[w - 1].passedAt!, `wave ${w + 1} started after wave ${w} passed`);
    } finally {
      await fleet.stop();
      await t.stop();
    }
  },
);
