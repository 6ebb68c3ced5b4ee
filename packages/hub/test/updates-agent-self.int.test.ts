import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AGENT_VERSION } from '@outpost/agent';
import type { RolloutRecord } from '@outpost/protocol';
import { eventually, startTestHub, type TestHub } from './support/test-hub.js';
import { releaseArtifact, setupTrust, startUpdateFleet, type ReleaseKey } from './support/updates.js';

const N = 24;
const MODELS = ['gw-200', 'gw-300', 'rtr-lte-5', 'ser-2x'];

async function rollOut(
  t: TestHub,
  keys: ReleaseKey[],
  version: string,
  counter: number,
  waves: Array<{ count: number } | { percent: number }>,
): Promise<RolloutRecord> {
  const art = await releaseArtifact(t, keys, {
    name: 'outpost-agent',
    version,
    kind: 'agent',
    models: MODELS,
    size: 2048,
    counter,
  });
  const r = await t.admin.rollouts.create({
    name: `agent ${version}`,
    artifactId: art.id,
    target: { filter: 'id ~ "as-"' },
    waves,
    successThresholdPct: 80,
    abortFailurePct: 100,
    maxInFlight: 50,
    healthDeadlineS: 60,
  });
  return eventually(
    async () => {
      const x = await t.admin.rollouts.get(r.id);
      return x.state === 'completed' || x.state === 'aborted' ? x : null;
    },
    120_000,
    250,
  );
}

const agentVersions = async (t: TestHub) =>
  new Set((await t.admin.devices.list({ filter: 'id ~ "as-"', limit: 100 })).items.map((d) => d.agentVersion));

test(
  `an agent release rolls out to ${N} simulated devices; one that exits at start or fails its health check rolls back by itself on each; an abort reverts`,
  { timeout: 300_000 },
  async () => {
    const t = await startTestHub({ rolloutTickMs: 100 });
    const { keys } = await setupTrust(t);
    const fleet = await startUpdateFleet(t, N, {
      prefix: 'as',
      knobs: { brokenAgentVersions: ['0.3.0'], unhealthyAgentVersions: ['0.5.0'] },
      rebootDelayMs: 200,
    });
    try {
      await eventually(
        async () => (await t.admin.devices.list({ filter: 'online', limit: 1, count: true })).total === N,
        60_000,
        250,
      );
      assert.deepEqual(await agentVersions(t), new Set([AGENT_VERSION]));

      const good = await rollOut(t, keys, '0.2.0', 1, [{ count: 4 }, { percent: 100 }]);
      assert.equal(good.state, 'completed', `${good.state}: ${good.reason}`);
      assert.equal(good.counts.succeeded, N);
      await eventually(async () => {
        const v = await agentVersions(t);
        return v.size === 1 && v.has('0.2.0');
      }, 30_000);

      // One wave, so every device gets the broken release (a canary would stop it at the first four).
      const broken = await rollOut(t, keys, '0.3.0', 2, [{ percent: 100 }]);
      assert.equal(broken.counts.rolled_back, N, JSON.stringify(broken.counts));
      const jobs = (await t.admin.rollouts.jobs(broken.id, { limit: 100 })).items;
      for (const j of jobs) assert.equal(`${j.state}(${j.reason})`, 'rolled_back(agent_start_failed)', j.deviceId);
      const [one] = jobs;
      assert.equal(one.fromVersion, '0.2.0');
      const history = (await t.admin.rollouts.job(one.id)).history!.map((h) => h.state);
      assert.deepEqual(history.slice(-2), ['rebooting', 'rolled_back']);
      // Every device runs the version it ran before, and is back online with it.
      await eventually(async () => {
        const v = await agentVersions(t);
        const online = (await t.admin.devices.list({ filter: 'online', limit: 1, count: true })).total;
        return v.size === 1 && v.has('0.2.0') && online === N;
      }, 30_000);

      // A release that starts and connects but fails its health check: the new version itself
      // moves `current` back and restarts; the previous version reports the outcome.
      const sick = await rollOut(t, keys, '0.5.0', 4, [{ percent: 100 }]);
      assert.equal(sick.counts.rolled_back, N, JSON.stringify(sick.counts));
      const sickJobs = (await t.admin.rollouts.jobs(sick.id, { limit: 100 })).items;
      for (const j of sickJobs) assert.equal(`${j.state}(${j.reason})`, 'rolled_back(health_check_failed)', j.deviceId);
      const sickPath = (await t.admin.rollouts.job(sickJobs[0].id)).history!.map((h) => h.state);
      assert.deepEqual(sickPath.slice(-3), ['rebooting', 'verifying', 'rolled_back']);
      await eventually(async () => {
        const v = await agentVersions(t);
        return v.size === 1 && v.has('0.2.0');
      }, 30_000);

      // An operator's revert: the canary of a good release is aborted with rollbackOnAbort, and
      // the four devices that confirmed 0.4.0 go back to 0.2.0.
      const art = await releaseArtifact(t, keys, {
        name: 'outpost-agent',
        version: '0.4.0',
        kind: 'agent',
        models: MODELS,
        size: 2048,
        counter: 3,
      });
      const canary = await t.admin.rollouts.create({
        name: 'agent 0.4.0 canary',
        artifactId: art.id,
        target: { filter: 'id ~ "as-"' },
        waves: [{ count: 4 }, { percent: 100 }],
        advance: 'approval',
        rollbackOnAbort: true,
        healthDeadlineS: 60,
      });
      await eventually(async () => (await t.admin.rollouts.get(canary.id)).counts.succeeded === 4, 60_000, 250);
      const moved = (await t.admin.rollouts.jobs(canary.id, { state: 'succeeded', limit: 10 })).items;
      for (const j of moved) assert.equal((await t.admin.devices.get(j.deviceId)).agentVersion, '0.4.0');
      await t.admin.rollouts.abort(canary.id, 'agent 0.4.0 goes back');
      await eventually(
        async () => {
          const jobs = (await t.admin.rollouts.jobs(canary.id, { state: 'succeeded', limit: 10 })).items;
          if (!jobs.every((j) => j.revertState === 'done')) return false;
          const versions = await Promise.all(
            jobs.map(async (j) => (await t.admin.devices.get(j.deviceId)).agentVersion),
          );
          return versions.every((v) => v === '0.2.0');
        },
        60_000,
        250,
      );
    } finally {
      await fleet.stop();
      await t.stop();
    }
  },
);
