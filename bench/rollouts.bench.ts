// Rollout figures (not wired into bench/run.ts):
//   node --import tsx bench/rollouts.bench.ts --scenario control --devices 5000
//     the hub's control plane alone: a real SQLite database and the real rollout service, with
//     devices answered in-process (no MQTT, no downloads), counting job transitions per second.
//     It prints the CPU split (hub vs the simulated devices' own code) and transitions per hub CPU-second;
//     `--profile file.cpuprofile` writes a CPU profile of the rollout alone (bench/cpu-profile-summary.ts reads it).
//   node --import tsx bench/rollouts.bench.ts --scenario fleet --devices 1000 --mb 10
//     end to end: a real hub, N simulated devices (real agent core, mTLS MQTT, HTTPS downloads
//     with the device certificate, signature and hash checks, A/B reboot), no failures, no rate limit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { openHubDatabase, createLogger } from '@outpost/hub';
import { createAuditLog } from '../packages/hub/src/domains/audit/audit.log.js';
import { createDevicesStore } from '../packages/hub/src/domains/devices/devices.store.js';
import { createDeviceSelector } from '../packages/hub/src/domains/devices/device-selector.js';
import { createGroupsStore } from '../packages/hub/src/domains/groups/groups.store.js';
import { createRolloutsStore } from '../packages/hub/src/domains/updates/rollouts/rollouts.store.js';
import { createRolloutsService } from '../packages/hub/src/domains/updates/rollouts/rollouts.service.js';
import { systemClock } from '../packages/hub/src/platform/clock.js';
import { EVERY_DEVICE } from '../packages/hub/src/platform/scope-reach.js';
import { startTestHub, eventually } from '../packages/hub/test/support/test-hub.js';
import { releaseArtifact, setupTrust, startUpdateFleet } from '../packages/hub/test/support/updates.js';
import type { ArtifactRecord, RootBody, SignedRoot, UpdateJobMessage } from '@outpost/protocol';
import { generateReleaseKey, signMetadata } from '@outpost/protocol/node';
import { emitRows, writeResults, type Row } from './support.js';
import { createDeviceFacts } from '../packages/hub/src/domains/devices/index.js';

const args = process.argv.slice(2);
const value = (flag: string, dflt: string) => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : dflt;
};
const scenario = value('--scenario', 'control');
const devices = Number(value('--devices', scenario === 'control' ? '5000' : '1000'));
const log = (m: string) => console.error(`[rollouts] ${m}`);

/** Linux: seconds the main thread ran, and waited runnable for a core, so far (null elsewhere). */
function mainThreadSchedule(): { ranS: number; queuedS: number } | null {
  try {
    const [ran, queued] = readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ').map(Number);
    return { ranS: ran / 1e9, queuedS: queued / 1e9 };
  } catch {
    return null;
  }
}

async function control() {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-rollout-bench-'));
  const db = await openHubDatabase(dir);
  const clock = systemClock;
  const devicesStore = createDevicesStore(db);
  const now = new Date().toISOString();
  for (let i = 0; i < devices; i++) {
    await devicesStore.insert({
      id: `b-${i}`,
      name: `b-${i}`,
      model: 'gw-200',
      serial: null,
      enrolledAt: now,
      certSerial: `s${i}`,
      certExpiresAt: now,
      tags: {},
      staticGroupId: null,
    });
  }
  const artifact: ArtifactRecord = {
    id: 'art_bench',
    name: 'fw',
    version: '9.0.0',
    kind: 'firmware',
    sha256: 'a'.repeat(64),
    length: 1,
    models: ['gw-200'],
    minVersion: null,
    releaseNotes: '',
    createdBy: 'bench',
    createdAt: now,
    uploadedAt: now,
    manifest: {
      signed: {
        type: 'manifest',
        name: 'fw',
        version: '9.0.0',
        kind: 'firmware',
        sha256: 'a'.repeat(64),
        length: 1,
        models: ['gw-200'],
        counter: 1,
        issuedAt: now,
        expires: '2099-01-01T00:00:00Z',
      },
      signatures: [{ keyid: 'b'.repeat(64), sig: 'x' }],
    },
  };
  await db
    .insertInto('artifacts')
    .values({
      id: artifact.id,
      name: 'fw',
      version: '9.0.0',
      version_key: '9',
      kind: 'firmware',
      sha256: artifact.sha256,
      length: 1,
      models_json: '["gw-200"]',
      min_version: null,
      release_notes: '',
      manifest_json: null,
      created_by: 'bench',
      created_at: now,
      uploaded_at: now,
    })
    .execute();
  // A real, signed update trust root: without one every job is skipped (no device could verify).
  const key = generateReleaseKey();
  const rootBody: RootBody = {
    type: 'root',
    version: 1,
    expires: '2099-01-01T00:00:00Z',
    threshold: 1,
    keys: [{ keyid: key.keyid, publicKeyPem: key.publicKeyPem }],
  };
  const root: SignedRoot = { signed: rootBody, signatures: [signMetadata(rootBody, key.privateKeyPem)] };
  let transitions = 0;
  // CPU time of the simulated devices' own code (building their reports), measured around it.
  let deviceUs = 0;
  const STEPS = ['downloading', 'downloaded', 'installing', 'rebooting', 'verifying', 'succeeded'] as const;
  // Each device answers every step at once, as fast as the hub takes them.
  const service = createRolloutsService({
    store: createRolloutsStore(db, createDeviceFacts(db)),
    devices: devicesStore,
    selector: createDeviceSelector({ groups: createGroupsStore(db), clock }),
    bus: {
      publish: async (id, _suffix, payload) => {
        const m = payload as UpdateJobMessage;
        if (m.action !== 'install') return;
        transitions++; // queued → sent
        setImmediate(async () => {
          for (const state of STEPS) {
            const d0 = process.cpuUsage();
            const report = Buffer.from(
              JSON.stringify({ v: 1, jobId: m.jobId, attempt: m.attempt, state, at: Date.now() }),
            );
            const d = process.cpuUsage(d0);
            deviceUs += d.user + d.system;
            await service.onStatus(id, report);
            transitions++;
          }
        });
      },
      disconnect: () => undefined,
      isConnected: () => true,
      connectedCount: () => devices,
    },
    isReady: () => true,
    audit: createAuditLog({ db, clock }),
    clock,
    logger: createLogger('silent'),
    artifact: async () => artifact,
    rootChain: async () => [root],
    httpUrl: () => 'https://hub.invalid',
  });
  const profileTo = value('--profile', '');
  const inspector = profileTo ? new Session() : null;
  if (inspector) {
    inspector.connect();
    await inspector.post('Profiler.enable');
    await inspector.post('Profiler.start');
  }
  const cpu0 = process.cpuUsage();
  const sched0 = mainThreadSchedule();
  const t0 = performance.now();
  const r = await service.create(
    { type: 'user', id: 'bench' },
    {
      name: 'bench',
      artifactId: artifact.id,
      target: { filter: 'id ~ "b-"' },
      waves: [{ percent: 100 }],
      maxInFlight: devices,
    },
    EVERY_DEVICE,
  );
  for (;;) {
    await service.tick();
    const x = await service.get(r.id);
    if (x.state === 'completed') break;
    await new Promise((res) => setTimeout(res, 20));
  }
  const s = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const sched = mainThreadSchedule();
  if (inspector) {
    const { profile } = await inspector.post('Profiler.stop');
    writeFileSync(profileTo, JSON.stringify(profile));
    inspector.disconnect();
    log(`CPU profile of the rollout written to ${profileTo}`);
  }
  const done = await service.get(r.id);
  if (done.counts.succeeded !== devices) throw new Error(`not every job succeeded: ${JSON.stringify(done.counts)}`);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const deviceS = deviceUs / 1e6;
  const hubS = cpuS - deviceS;
  log(
    `${devices} devices, ${transitions} job transitions in ${s.toFixed(2)} s: ${Math.round(transitions / s)} transitions/s (each one a conditional UPDATE and a history INSERT)`,
  );
  log(
    `CPU ${cpuS.toFixed(2)} s (${((cpuS * 100) / s).toFixed(0)}% of one core): hub ${hubS.toFixed(2)} s, simulated devices ${deviceS.toFixed(2)} s; ${Math.round(transitions / hubS)} transitions per hub CPU-second`,
  );
  if (sched && sched0)
    log(
      `main thread: ran ${(sched.ranS - sched0.ranS).toFixed(2)} s, waited ${(sched.queuedS - sched0.queuedS).toFixed(2)} s for a core (other processes), idle or blocked the rest`,
    );
  const scenario = `rollout control plane (${devices} devices)`;
  const rows: Row[] = [
    { scenario, metric: 'whole rollout, queued to succeeded', value: s, unit: 's' },
    { scenario, metric: 'job transitions', value: transitions / s, unit: 'per s' },
    { scenario, metric: 'hub CPU', value: hubS, unit: 's' },
    { scenario, metric: 'simulated devices CPU', value: deviceS, unit: 's' },
    { scenario, metric: 'job transitions per hub CPU-second', value: transitions / hubS, unit: 'per CPU-s' },
  ];
  writeResults('rollouts-control', rows);
  emitRows(rows);
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
}

async function fleet() {
  const mb = Number(value('--mb', '10'));
  const t = await startTestHub({ rolloutTickMs: 200, logLevel: 'warn' });
  const { keys } = await setupTrust(t);
  const e0 = performance.now();
  const sim = await startUpdateFleet(t, devices, { prefix: 'bench', rebootDelayMs: 500 });
  await eventually(
    async () => (await t.admin.devices.list({ filter: 'online', limit: 1, count: true })).total === devices,
    600_000,
    500,
  );
  log(`${devices} devices enrolled and online in ${((performance.now() - e0) / 1000).toFixed(1)} s`);
  const art = await releaseArtifact(t, keys, {
    version: '9.0.0',
    models: ['gw-200', 'gw-300', 'rtr-lte-5', 'ser-2x'],
    content: randomBytes(mb * 1024 * 1024),
  });
  const t0 = performance.now();
  const r = await t.admin.rollouts.create({
    name: 'bench',
    artifactId: art.id,
    target: { filter: 'id ~ "bench-"' },
    waves: [{ percent: 100 }],
    maxInFlight: devices,
    deviceTimeoutS: 3600,
  });
  let last = '';
  const done = await eventually(
    async () => {
      const x = await t.admin.rollouts.get(r.id);
      const line = JSON.stringify(x.counts);
      if (line !== last) log(`${((performance.now() - t0) / 1000).toFixed(0)} s ${line}`);
      last = line;
      return x.state === 'completed' ? x : null;
    },
    3_600_000,
    1000,
  );
  const s = (performance.now() - t0) / 1000;
  log(
    `rollout of ${mb} MB to ${devices} devices: ${done.counts.succeeded} succeeded in ${s.toFixed(1)} s (${((mb * devices) / s).toFixed(0)} MB/s served)`,
  );
  const scenario = `rollout end to end (${mb} MiB to ${devices} sim devices)`;
  emitRows([
    { scenario, metric: 'rollout start to all succeeded', value: s, unit: 's' },
    { scenario, metric: 'succeeded', value: done.counts.succeeded ?? 0, unit: 'devices' },
    { scenario, metric: 'served', value: (mb * devices) / s, unit: 'MiB/s' },
  ]);
  await sim.stop();
  await t.stop();
}

await (scenario === 'fleet' ? fleet() : control());
process.exit(0);
