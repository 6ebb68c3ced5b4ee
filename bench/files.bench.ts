// Device files: one 10 MB log pulled from 100 devices into one ZIP, and one download for scale.
//
//   node --import tsx --conditions=source bench/files.bench.ts [--devices 100] [--mb 10]
//
// The hub runs as its own process (`outpost hub`). The devices are real agent cores, one per
// enrolled identity, all in this process the way the simulator runs them: each with its own mTLS
// MQTT connection and its own HTTPS uploads with its device certificate, each serving a real
// file from its own declared root on disk. The agents share this process's CPU with the client.
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createAgent,
  createFilesFeature,
  createMemoryQueue,
  createMqttTransportFactory,
  loadIdentity,
  silentLogger,
  realClock,
  type Agent,
} from '@outpost/agent';
import { downloadDeviceFile, downloadPullArchive } from '@outpost/client';
import { createSimSystem, profileOf } from '@outpost/sim';
import { adminClient, countOnline, fleetDataDir } from './fleet-cache.js';
import { emitRows, startHubProcess, type Row } from './support.js';

const args = process.argv.slice(2);
const arg = (flag: string, dflt: number) => {
  const i = args.indexOf(flag);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const DEVICES = arg('--devices', 100);
const MB = arg('--mb', 10);
const log = (m: string) => console.error(`[files-bench] ${m}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const fleet = await fleetDataDir(DEVICES, log);
const hub = await startHubProcess(fleet.dataDir);
const work = mkdtempSync(join(tmpdir(), 'outpost-files-bench-'));
const agents: Agent[] = [];
try {
  const admin = await adminClient(hub);
  const source = join(work, 'gateway.log');
  writeFileSync(source, randomBytes(MB * 1024 * 1024));
  const base = join(fleet.identities, fleet.caFingerprint.slice(0, 16));
  const ids: string[] = [];
  for (let i = 1; i <= DEVICES; i++) {
    const id = `sim-${String(i).padStart(5, '0')}`;
    const ident = (await loadIdentity(join(base, id)))!;
    const dir = join(work, id);
    mkdirSync(dir);
    linkSync(source, join(dir, 'gateway.log')); // each device its own root; the bytes once on disk
    const tls = { keyPem: ident.privateKeyPem, certPem: ident.certPem, caPem: ident.caPem };
    const agent = createAgent({
      deviceId: id,
      transport: createMqttTransportFactory({ url: `mqtts://127.0.0.1:${hub.mqttPort}`, deviceId: id, ...tls }),
      queue: createMemoryQueue(),
      system: createSimSystem(profileOf(i), async () => {}),
      clock: realClock,
      logger: silentLogger,
      healthIntervalS: 300,
      backoff: { baseMs: 500, capMs: 5000 },
      features: [createFilesFeature({ roots: [{ name: 'logs', dir, mode: 'ro' }], tls })],
    });
    agent.start();
    agents.push(agent);
    ids.push(id);
  }
  for (let until = Date.now() + 120_000; (await countOnline(admin)) < DEVICES; await sleep(500))
    if (Date.now() > until) throw new Error('the devices did not all come online');
  // Online is not yet subscribed: wait until the last device answers a listing.
  for (let until = Date.now() + 60_000; ; await sleep(500)) {
    const ok = await admin.files.roots(ids[ids.length - 1]).then(
      () => true,
      () => false,
    );
    if (ok) break;
    if (Date.now() > until) throw new Error('the last device never answered');
  }

  let t0 = performance.now();
  await downloadDeviceFile(admin.options, ids[0], { root: 'logs', path: 'gateway.log' }, join(work, 'one.log'));
  const oneS = (performance.now() - t0) / 1000;
  log(`one ${MB} MB download: ${oneS.toFixed(2)} s`);

  let peakRss = hub.rssMb();
  const cpu0 = hub.cpuS();
  t0 = performance.now();
  const { pullId } = await admin.files.createPull({ root: 'logs', path: 'gateway.log', deviceIds: ids });
  let pull = await admin.files.pull(pullId);
  while (pull.status === 'running') {
    await sleep(200);
    peakRss = Math.max(peakRss, hub.rssMb());
    pull = await admin.files.pull(pullId);
  }
  const pullS = (performance.now() - t0) / 1000;
  const hubCpuS = hub.cpuS() - cpu0;
  t0 = performance.now();
  const zip = join(work, 'pull.zip');
  await downloadPullArchive(admin.options, pullId, zip);
  const zipS = (performance.now() - t0) / 1000;
  peakRss = Math.max(peakRss, hub.rssMb());
  const ok = pull.counts.succeeded ?? 0;
  log(`pull: ${ok}/${DEVICES} in ${pullS.toFixed(1)} s; archive ${zipS.toFixed(1)} s; peak hub RSS ${peakRss} MB`);
  const scenario = `files pull ${MB} MB × ${DEVICES} devices`;
  const rows: Row[] = [
    { scenario, metric: 'devices succeeded', value: ok, unit: 'devices' },
    { scenario, metric: 'pull time (all files on the hub)', value: pullS, unit: 's' },
    {
      scenario,
      metric: 'pull throughput',
      value: (ok * MB) / pullS,
      unit: 'MB/s',
      baseline: { name: 'one device alone', value: MB / oneS },
    },
    { scenario, metric: 'archive streamed to the caller', value: zipS, unit: 's' },
    { scenario, metric: 'archive size', value: statSync(zip).size / 1024 / 1024, unit: 'MB' },
    { scenario, metric: 'hub peak RSS during the pull', value: peakRss, unit: 'MB' },
    { scenario, metric: 'hub CPU during the pull', value: hubCpuS, unit: 's' },
  ];
  emitRows(rows);
} finally {
  for (const a of agents) await a.stop();
  await hub.stop();
  rmSync(work, { recursive: true, force: true });
  rmSync(fleet.dataDir, { recursive: true, force: true });
}
process.exit(0);
