import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { Simulation } from '@outpost/sim';
import { postgresMissing } from '../src/storage/test-postgres.js';
import { ADMIN_PASSWORD, eventually } from './support/test-hub.js';
import { MOSQUITTO_BIN } from './support/mosquitto-broker.js';
import { releaseArtifact, setupTrust, startUpdateFleet } from './support/updates.js';
import { startReplicaSet, type ReplicaSet } from './support/replica-processes.js';
import { jobLockHolderPort, startLoadBalancer, type LoadBalancer } from './support/replica-failover.js';
import { tcpSocketsOf } from '../../agent/test/support/packaged-agent.js';
import { browserMissing, buildConsole, launch, openPage, signIn } from '../../console/test/support/browser.js';

// Two hub replicas (processes of their own) on one PostgreSQL and one Mosquitto, behind a TCP
// load balancer; 200 simulated devices in a rollout. The replica running the rollout engine's tick
// (holding its job lock) is killed with SIGKILL in the middle: the rollout finishes, no device
// installs twice, none is forgotten, the offline alerts of devices stopped afterwards fire once
// each, the other replica's API answers throughout, and the console open through the balancer
// comes back live on the other replica without a reload.

const N = 200;
const ALERTED = 5;
const MODELS = ['gw-200', 'gw-300', 'rtr-lte-5', 'ser-2x'];
const skip = (!MOSQUITTO_BIN && 'mosquitto not installed') || postgresMissing() || browserMissing() || false;

/** Firmware images each simulated device wrote (its A/B installer's own count). */
function installsOnDevices(cacheDir: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const ca of readdirSync(cacheDir))
    for (const id of readdirSync(join(cacheDir, ca))) {
      const state = JSON.parse(readFileSync(join(cacheDir, ca, id, 'updates', 'ab-state.json'), 'utf8')) as {
        installs?: number;
      };
      counts.set(id, state.installs ?? 0);
    }
  return counts;
}

describe('failover of a hub replica killed with SIGKILL in the middle of a rollout', { skip }, () => {
  let set: ReplicaSet;
  let lb: LoadBalancer | undefined;
  let fleet: Simulation | undefined;
  let alerted: Simulation | undefined;
  let browser: Browser | undefined;
  const cacheDir = mkdtempSync(join(tmpdir(), 'outpost-failover-fleet-'));
  let api = { ok: 0, failed: [] as string[], stop: false };

  before(async () => {
    buildConsole();
    set = await startReplicaSet({
      replicas: 2,
      env: { OUTPOST_ROLLOUT_TICK_MS: '200', OUTPOST_ALERT_EVAL_MS: '500', OUTPOST_LOG_LEVEL: 'info' },
    });
    lb = await startLoadBalancer(set.replicas);
  });
  after(async () => {
    api.stop = true;
    await browser?.close();
    await fleet?.stop();
    await alerted?.stop();
    await lb?.close();
    await set?.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('finishes the rollout once per device, fires each alert once, and keeps API and console answering', async () => {
    const [a, b] = set.replicas;
    const adminA = await set.admin(a);
    const adminB = await set.admin(b);
    const t = set.asTestHub(a, adminA);
    const { keys } = await setupTrust(t);
    fleet = await startUpdateFleet(t, N, { prefix: 'fo', rebootDelayMs: 1_000, cacheDir });
    alerted = await startUpdateFleet(t, ALERTED, {
      prefix: 'fa',
      cacheDir: mkdtempSync(join(tmpdir(), 'outpost-fa-')),
    });
    await eventually(
      async () => (await adminB.devices.list({ filter: 'online', limit: 1, count: true })).total === N + ALERTED,
      120_000,
      500,
    );
    const art = await releaseArtifact(t, keys, { version: '9.0.0', models: MODELS, size: 8192 });
    const rule = await adminA.rules.create({
      name: 'failover offline',
      type: 'offline',
      scope: { filter: 'id ~ "fa-"' },
      params: { afterS: 2 },
    });

    // The console, through the balancer: every connection goes to replica a while it is up.
    browser = await launch();
    const { page } = await openPage(browser);
    const consoleUrl = `https://127.0.0.1:${lb!.port}`;
    let navigations = 0;
    page.on('framenavigated', (f) => void (f === page.mainFrame() && navigations++));
    await signIn(page, consoleUrl, 'admin', ADMIN_PASSWORD);
    await page.getByRole('heading', { name: 'Fleet at a glance' }).waitFor({ timeout: 60_000 });
    await page.locator('.live.live-on').waitFor({ timeout: 30_000 });
    await eventually(
      async () => ((await page.getByTestId('tile-online').textContent()) ?? '').includes(`${N + ALERTED}`),
      30_000,
      200,
    );
    const navigationsBefore = navigations;

    const r = await adminA.rollouts.create({
      name: 'failover 9.0.0',
      artifactId: art.id,
      target: { filter: 'id ~ "fo-"' },
      waves: [{ percent: 100 }],
      successThresholdPct: 100,
      maxInFlight: 10,
      deviceTimeoutS: 30,
      retries: { max: 5, baseS: 1, capS: 4 },
      healthDeadlineS: 60,
    });

    // The survivor's API, polled from before the kill to the end.
    api = { ok: 0, failed: [] as string[], stop: false };
    const polling = (async () => {
      while (!api.stop) {
        try {
          await adminB.rollouts.get(r.id);
          api.ok++;
        } catch (err) {
          api.failed.push(String(err));
        }
        await new Promise((res) => setTimeout(res, 100));
      }
    })();

    // In the middle: some devices done, and replica a running the rollout tick (holding its lock).
    await eventually(async () => ((await adminB.rollouts.get(r.id)).counts.succeeded ?? 0) >= N / 5, 120_000, 200);
    // Best effort: kill replica a while its rollout tick holds the job lock (the lock is taken per
    // turn, for the few milliseconds a turn lasts, so both replicas take turns); else kill it anyway.
    const portsOfA = new Set(tcpSocketsOf(a.proc.pid!).map((s) => s.localPort));
    const seen = { a: 0, other: 0 };
    // The look ends at the latest when half the fleet is done, so the kill still lands mid-rollout
    // (at most 10 devices in flight, each rebooting for a second: about 20 s for the whole fleet).
    const lookUntil = Date.now() + 10_000;
    let progressAt = 0;
    while (Date.now() < lookUntil) {
      if (Date.now() - progressAt > 250) {
        progressAt = Date.now();
        if (((await adminB.rollouts.get(r.id)).counts.succeeded ?? 0) >= N / 2) break;
      }
      const port = await jobLockHolderPort(set.db, 'rollouts');
      if (port === null) continue;
      if (portsOfA.has(port)) {
        seen.a++;
        break;
      }
      seen.other++;
    }
    const killedAt = Date.now();
    await a.kill();
    const killedIso = new Date(killedAt).toISOString();
    const doneAtKill = (await adminB.rollouts.get(r.id)).counts.succeeded ?? 0;
    assert.ok(doneAtKill < N, 'the rollout was cut in the middle');
    console.log(
      `killed replica a with ${doneAtKill}/${N} done; its rollout turn was seen holding the lock: ${seen.a > 0}`,
    );

    // Failover time: from the kill to the first job the survivor's rollout tick dispatches.
    const firstSent = await eventually(
      async () =>
        (
          await set.db
            .selectFrom('rollout_job_events')
            .select((e) => e.fn.min('at').as('at'))
            .where('state', '=', 'sent')
            .where('at', '>', killedIso)
            .executeTakeFirst()
        )?.at,
      60_000,
      20,
    );
    console.log(
      `failover time (kill to the survivor dispatching rollout work): ${Date.parse(firstSent) - killedAt} ms`,
    );

    // The console: its stream was cut with replica a; the browser reconnects through the balancer to b.
    await page.locator('.live.live-on').waitFor({ timeout: 60_000 });
    await eventually(() => lb!.connections.some((c) => c.to === 'b' && c.at > killedAt), 30_000, 100);

    // Devices stopped after the kill: one offline alert each, fired by whichever replica runs the rules.
    await alerted!.stop();
    alerted = undefined;
    const online = `${N}`;
    await eventually(
      async () => ((await page.getByTestId('tile-online').textContent()) ?? '').includes(online),
      60_000,
      200,
    );
    await eventually(async () => (await adminB.alerts.list({ rule: rule.id })).items.length >= ALERTED, 60_000, 250);

    const done = await eventually(
      async () => {
        const x = await adminB.rollouts.get(r.id);
        return x.state === 'completed' || x.state === 'aborted' ? x : null;
      },
      150_000,
      500,
    );
    api.stop = true;
    await polling;
    assert.equal(done.state, 'completed', `${done.state}: ${done.reason}`);
    assert.equal(done.counts.succeeded, N, JSON.stringify(done.counts));

    // No device installed twice, none forgotten: the devices' own count, and the job history.
    const installs = installsOnDevices(cacheDir);
    assert.equal(installs.size, N);
    for (const [id, n] of installs) assert.equal(n, 1, `${id} wrote ${n} firmware images`);
    const installing = await set.db
      .selectFrom('rollout_job_events')
      .innerJoin('rollout_jobs', 'rollout_jobs.id', 'rollout_job_events.job_id')
      .select(['rollout_jobs.device_id', (e) => e.fn.countAll<string>().as('n')])
      .where('rollout_jobs.rollout_id', '=', r.id)
      .where('rollout_job_events.state', '=', 'installing')
      .groupBy('rollout_jobs.device_id')
      .execute();
    // Never twice in the history. (A step can be missing from it: a device's report the broker had
    // routed to the dead replica's session comes in through the takeover after the device's later
    // report, and a backward move is ignored; the outcome is the same.)
    for (const row of installing) assert.equal(Number(row.n), 1, `${row.device_id} was installing ${row.n} times`);
    console.log(`job history: ${installing.length}/${N} jobs recorded their installing step`);
    const jobs = await set.db
      .selectFrom('rollout_jobs')
      .select(['device_id', 'state'])
      .where('rollout_id', '=', r.id)
      .execute();
    assert.equal(jobs.length, N);
    assert.ok(
      jobs.every((j) => j.state === 'succeeded'),
      JSON.stringify(jobs.filter((j) => j.state !== 'succeeded')),
    );
    for (const d of (await adminB.devices.list({ filter: 'id ~ "fo-"', limit: N })).items)
      assert.equal(d.firmware, '9.0.0', d.id);

    // Alerts: exactly one per stopped device, many evaluations after they fired (the rollout ran on).
    const alerts = (await adminB.alerts.list({ rule: rule.id })).items;
    assert.deepEqual(
      alerts.map((x) => x.deviceId).sort(),
      Array.from({ length: ALERTED }, (_, i) => `fa-${String(i + 1).padStart(5, '0')}`),
    );

    // The survivor answered every request; the console came back without a reload.
    console.log(`survivor API: ${api.ok} requests answered, ${api.failed.length} failed`);
    assert.deepEqual(api.failed, []);
    assert.equal(navigations, navigationsBefore, 'the page was not reloaded');
    assert.ok(!lb!.connections.some((c) => c.to === 'b' && c.at < killedAt), 'the console was on replica a before');
  });
});
