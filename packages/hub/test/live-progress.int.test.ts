import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Agent } from '@outpost/agent';
import type { Simulation } from '@outpost/sim';
import type { RolloutProgress } from '@outpost/protocol';
import { startTestHub, eventually, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, startTestAgent } from './support/devices.js';
import { eventsOf, openStream, type LiveStream } from './support/live-stream.js';
import { releaseArtifact, setupTrust, startUpdateFleet } from './support/updates.js';

const N = 40;
const MODELS = ['gw-200', 'gw-300', 'rtr-lte-5', 'ser-2x'];
const done = (p: RolloutProgress) =>
  ['succeeded', 'failed', 'rolled_back', 'skipped', 'canceled'].reduce(
    (s, k) => s + (p.counts[k as keyof typeof p.counts] ?? 0),
    0,
  );

describe('rollout progress and open alerts on the live stream', () => {
  let t: TestHub;
  let fleet: Simulation;
  let stream: LiveStream;
  let keys: Awaited<ReturnType<typeof setupTrust>>['keys'];

  before(async () => {
    t = await startTestHub({ rolloutTickMs: 100, alertEvalMs: 200 });
    keys = (await setupTrust(t)).keys;
    fleet = await startUpdateFleet(t, N, { prefix: 'lp', knobs: { installFailurePct: 5 }, rebootDelayMs: 200 });
    await eventually(
      async () => (await t.admin.devices.list({ filter: 'online', limit: 1, count: true })).total === N,
      60_000,
      200,
    );
    // The least role that may watch: a viewer.
    await t.admin.users.create({ username: 'progress-viewer', password: 'a-long-password-1', role: 'viewer' });
    const session = (await t.anonymous().login('progress-viewer', 'a-long-password-1')).session;
    stream = await openStream(t, session);
    assert.equal(stream.status, 200);
    await eventually(() => stream.events.some((e) => e.event === 'hello'));
  });

  after(async () => {
    stream?.close();
    await fleet?.stop();
    await t?.stop();
  });

  it(
    `sends a rollout to ${N} devices as a few coalesced progress messages that end with the completed counts`,
    { timeout: 120_000 },
    async () => {
      const art = await releaseArtifact(t, keys, { version: '9.0.0', models: MODELS, size: 4096 });
      const r = await t.admin.rollouts.create({
        name: 'live 9.0.0',
        artifactId: art.id,
        target: { filter: 'id ~ "lp-"' },
        waves: [{ count: 5 }, { percent: 100 }],
        successThresholdPct: 60,
        // 5 % of the fleet fails its install; one of them in the 5-device canary must not abort the rollout.
        abortFailurePct: 50,
        maxInFlight: N,
        healthDeadlineS: 30,
      });
      const final = await eventually(
        async () => {
          const x = await t.admin.rollouts.get(r.id);
          return x.state === 'completed' || x.state === 'aborted' ? x : null;
        },
        90_000,
        200,
      );
      assert.equal(final.state, 'completed', `rollout ended ${final.state}: ${final.reason}`);
      const ofRollout = () => eventsOf(stream, 'rollout').filter((e) => e.data.id === r.id);
      await eventually(() => ofRollout().at(-1)?.data.state === 'completed', 5000);
      // Whatever was still pending goes out: the stream comes to the counts the API reports.
      await eventually(() => JSON.stringify(ofRollout().at(-1)?.data.counts) === JSON.stringify(final.counts), 5000);
      const mine = ofRollout();
      const last = mine.at(-1)!;

      // It ends with what the API says: the same counts per state and per wave, every wave passed.
      assert.deepEqual(last.data.counts, final.counts);
      assert.equal(last.data.total, N);
      assert.deepEqual(last.data.waves, final.waves);
      assert.ok(last.data.waves.every((w) => w.state === 'passed'));
      // The moving parts only: no device list travels on the stream.
      assert.deepEqual(Object.keys(last.data).sort(), [
        'counts',
        'currentWave',
        'finishedAt',
        'id',
        'reason',
        'rollbackState',
        'startedAt',
        'state',
        'total',
        'waves',
        'window',
      ]);

      // Progress was seen on the way, not only the end.
      assert.ok(
        mine.some((e) => e.data.state === 'running' && done(e.data) > 0 && done(e.data) < N),
        'a message in the middle of the rollout',
      );
      assert.ok(
        mine.some((e) => e.data.waves[0].state === 'passed' && e.data.waves[1].state === 'running'),
        'the second wave was seen running',
      );

      // Coalesced: far fewer messages than job state changes, and at most one per interval.
      let transitions = 0;
      for (let offset = 0; offset < N; offset += 100) {
        for (const j of (await t.admin.rollouts.jobs(r.id, { limit: 100, offset })).items) {
          transitions += (await t.admin.rollouts.job(j.id)).history!.filter((h) => h.state !== 'sent').length;
        }
      }
      // Timed by the hub's own clock (start and finish of the rollout), not by when this process read
      // the stream, which bunches messages whenever the test's event loop is busy.
      const spanMs = Date.parse(final.finishedAt!) - Date.parse(final.startedAt!);
      console.log(`# ${transitions} job transitions, ${mine.length} rollout messages over a ${spanMs} ms rollout`);
      assert.ok(transitions >= N * 5, `${transitions} transitions`);
      assert.ok(mine.length * 4 < transitions, `${mine.length} messages for ${transitions} transitions`);
      // One message per 500 ms at most, plus the first announcement and the final one.
      assert.ok(mine.length <= Math.ceil(spanMs / 500) + 3, `${mine.length} messages in ${spanMs} ms`);
    },
  );

  it(
    'sends open-alert counts by severity when an alert fires and when it is acknowledged',
    { timeout: 60_000 },
    async () => {
      const dev = await enrollTestDevice(t, 'lp-alerting');
      const agent: Agent = startTestAgent(t, dev, { healthIntervalS: 1 });
      try {
        await eventually(async () => (await t.admin.devices.get('lp-alerting')).presence === 'online', 10_000);
        await t.admin.rules.create({
          name: 'live offline',
          type: 'offline',
          severity: 'critical',
          scope: { filter: 'id = "lp-alerting"' },
          params: { afterS: 1 },
        });
        const before = eventsOf(stream, 'alerts').length;
        await agent.stop({ clean: false });
        const fired = await eventually(
          () =>
            eventsOf(stream, 'alerts')
              .slice(before)
              .find((e) => e.data.firing === 1),
          15_000,
        );
        assert.deepEqual(fired.data, {
          open: 1,
          firing: 1,
          acknowledged: 0,
          bySeverity: { info: 0, warning: 0, critical: 1 },
        });

        const alert = (await t.admin.alerts.list({ state: 'firing' })).items[0];
        await t.admin.alerts.ack(alert.id, 'on it');
        const acked = await eventually(() => eventsOf(stream, 'alerts').find((e) => e.data.acknowledged === 1), 5000);
        assert.deepEqual(acked.data, {
          open: 1,
          firing: 0,
          acknowledged: 1,
          bySeverity: { info: 0, warning: 0, critical: 1 },
        });
      } finally {
        await agent.stop({ clean: false });
      }
    },
  );
});
