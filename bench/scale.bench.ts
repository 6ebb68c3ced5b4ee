// Scale: two hub replicas on one PostgreSQL and one Mosquitto, a simulated fleet over worker processes.
//   node --import tsx --conditions=source bench/scale.bench.ts [--devices 100000] [--sim-procs 6] [--brokers 6]
//        [--ramp-s 600] [--publishers 400] [--publisher-procs 2] [--rates 1000,2000,4000,8000,16000] [--inventory 1000000]
//        [--online-wait-s 1100] [--dials-in-flight 32] [--mint-procs 2] [--mint-only [--mint-from 1]] [--timeout-s 3600]
// The hub PKI and the device identities it signed are kept in bench/.cache/scale-* between runs
// (--mint-only fills that cache and stops); removing the folder makes the next run sign them again.
// Reports: all online and the time to it; RSS of the broker, each replica and PostgreSQL; ingest persisted by
// the replicas against Mosquitto's bare delivery; the reconnect storm after a broker restart; the device list
// over a seeded inventory; the failover of background jobs after a SIGKILL of the replica running one.
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from '@outpost/client';
import { assignedBroker } from '../packages/hub/src/mqtt/external-brokers.js';
import pg from 'pg';
import { emitRows, root, writeResults, type HubProcess, type Row } from './support.js';
import { ADMIN_PASSWORD, adminClient, countOnline } from './fleet-cache.js';
import { mosquittoCeiling } from './ingest.bench.js';
import { saturatingSide, type Step } from './saturation.js';
import { cpuSecondsOf, spawnPublishers } from './publishers.js';
import { ephemeralPorts, postgresPids, raiseFileLimit, rssMbOf, startScaleCluster } from './scale-cluster.js';
import { killJobHolder, seedInventory, timeDeviceList } from './scale-probes.js';
import { mintFleet } from './scale-mint.js';
import { simMemory } from './scale-sim-memory.js';
import { startLeanFleet, type LeanFleet } from './scale-devices.js';

const args = process.argv.slice(2);
const value = (flag: string) => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};
const DEVICES = Number(value('--devices') ?? 100_000);
const fdLimit = raiseFileLimit(Math.max(65_536, DEVICES * 3 + 10_000));
// Every process holds one file per connection: no process may be given more than its open-file limit allows.
const perProcess = Math.floor(fdLimit * 0.9);
const SIM_PROCS = Number(value('--sim-procs') ?? Math.max(2, Math.ceil(DEVICES / perProcess)));
const PUBLISHERS = Number(value('--publishers') ?? 400);
const PUB_PROCS = Number(value('--publisher-procs') ?? 2);
const RATES = (value('--rates') ?? '1000,2000,4000,8000,16000').split(',').map(Number);
const INVENTORY = Number(value('--inventory') ?? 1_000_000);
const LIST_REQUESTS = Number(value('--list-requests') ?? 400);
const STEP_MS = 6000;
const HEALTH_S = 300;
const MINT_PROCS = Number(value('--mint-procs') ?? 2);
const TIMEOUT_S = Number(value('--timeout-s') ?? 3600);
const log = (m: string) => console.error(`[scale ${new Date().toISOString().slice(11, 19)}] ${m}`);
const s = `scale ${DEVICES} devices, 2 replicas`;
const rows: Row[] = [];
const add = (metric: string, v: number | string, unit: string, extra: Partial<Row> = {}) => {
  rows.push({ scenario: s, metric, value: v, unit, ...extra });
  log(`${metric}: ${typeof v === 'number' ? Math.round(v * 100) / 100 : v} ${unit}`);
};
/** Throws, with what the broker said last, when a Mosquitto has exited. */
function brokersAlive() {
  cluster.brokers.forEach((b, i) => {
    if (rssMbOf(cluster.mosquittoPids()[i]) === 0) throw new Error(`Mosquitto ${i} exited: ${b.log().slice(-400)}`);
  });
}
/** Runs one part of the run; a part that fails is reported as such and the others still run. */
async function phase(name: string, fn: () => Promise<void>) {
  try {
    await fn();
  } catch (err) {
    add(`${name} failed`, (err as Error).message, '');
  }
}
const freeMb = () => Math.round(Number(/MemAvailable:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))![1]) / 1024);
const sum = (xs: number[]) => xs.reduce((n, x) => n + x, 0);
const cpuOf = (pids: number[]) =>
  pids.reduce((n, p) => {
    try {
      return n + cpuSecondsOf(p);
    } catch {
      return n;
    }
  }, 0);

// A broker holds a file per device, and one client address reaches one listener through the
// ephemeral port range at most: as many brokers as either bound asks for, counted on the hub's own
// assignment of each device to a broker (a hash of its id, so the shares are near, not exactly, even).
const perBroker = Math.min(perProcess, Math.floor(ephemeralPorts() * 0.8));
const total = DEVICES + PUBLISHERS;
const busiestBroker = (n: number) => {
  const load = new Array<number>(n).fill(0);
  for (let i = 1; i <= total; i++) load[assignedBroker(`sim-${String(i).padStart(5, '0')}`, n)]++;
  return Math.max(...load);
};
let BROKERS = Number(value('--brokers') ?? Math.ceil(total / perBroker));
if (value('--brokers') === undefined) while (busiestBroker(BROKERS) + 100 > perBroker) BROKERS++;
log(
  `${DEVICES} devices in ${SIM_PROCS} processes on ${BROKERS} brokers (at most ${busiestBroker(BROKERS)} on one), ` +
    `open-file limit ${fdLimit} per process`,
);
// Bounded: a run that overstays is stopped with what it measured so far, and every process it started ends.
const overstay = setTimeout(() => {
  add('failed', `stopped after the ${TIMEOUT_S} s bound`, '');
  emitRows(rows);
  writeResults(value('--name') ?? 'scale', rows, { devices: DEVICES, partial: true });
  process.exit(1);
}, TIMEOUT_S * 1000);
overstay.unref();
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.once(sig, () => {
    log(`${sig}: stopping`);
    process.exit(130);
  });
const cluster = await startScaleCluster(BROKERS, log, join(root, 'bench', '.cache', 'scale-hub'));
process.once('exit', () => {
  for (const pid of cluster.mosquittoPids().filter((p) => p > 0))
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
});
const [a, b] = cluster.replicas;
let fleet: LeanFleet | null = null;
let survivor: HubProcess = a;
try {
  const admin = await adminClient(a);
  const identities = join(root, 'bench', '.cache', 'scale-identities');
  const caFingerprint = createHash('sha256')
    .update(new X509Certificate(readFileSync(join(cluster.dataDirs[0], 'pki', 'ca.crt'))).raw)
    .digest('hex');
  let lastMintLog = 0;
  const m = await mintFleet({
    dataDir: cluster.dataDirs[0],
    databaseUrl: cluster.databaseUrl,
    identities,
    caFingerprint,
    httpUrl: a.httpUrl,
    brokerUrls: cluster.brokers.map((x) => `mqtts://127.0.0.1:${x.devicePort}`),
    count: total,
    healthIntervalS: HEALTH_S,
    from: Number(value('--mint-from') ?? 1),
    procs: MINT_PROCS,
    onProgress: (minted, reused) => {
      if (performance.now() - lastMintLog < 10_000) return;
      lastMintLog = performance.now();
      log(`identities: ${minted} signed, ${reused} from the cache, of ${total}`);
    },
  });
  add(
    `identities: ${m.minted} signed now (P-256 key each, ${MINT_PROCS} processes), ${m.reused} from the cache; ` +
      `addresses written for ${total}`,
    m.identitiesS,
    's',
  );
  if (m.minted > 0) add('identities signed per second', m.minted / m.identitiesS, '/s');
  add(`insert ${total} devices into the inventory (INSERT … SELECT)`, m.inventoryS, 's');
  if (args.includes('--mint-only')) {
    await cluster.stop();
    emitRows(rows);
    writeResults(value('--name') ?? 'scale-mint', rows, { devices: DEVICES, publishers: PUBLISHERS });
    process.exit(0);
  }

  // The fleet: each device dials the broker its enrollment assigned it.
  const t1 = performance.now();
  // Connects spread over 25 ms per device (at most ten minutes): on a starved machine a burst makes the broker
  // answer later than the agents wait (45 s), and every given-up handshake is work redone.
  const rampMs = Number(value('--ramp-s') ?? Math.min(600, DEVICES * 0.025)) * 1000;
  // Lean devices (scale-device.ts): a socket each, announcing, publishing health and answering as an agent does.
  const running = await startLeanFleet({
    identities,
    caFingerprint,
    devices: DEVICES,
    procs: SIM_PROCS,
    rampMs,
    healthIntervalS: HEALTH_S,
    backoff: { baseMs: 1000, capMs: 30_000 },
    connectTimeoutMs: 45_000,
    dialsInFlight: Number(value('--dials-in-flight') ?? 32),
  });
  fleet = running;
  const simOnline = () => running.online();
  let online = 0;
  let lastLog = 0;
  // A loaded machine answers handshakes late: bounded generously, and a shortfall is reported, not hidden.
  const bound = Number(value('--online-wait-s') ?? 600 + (rampMs / 1000) * 2) * 1000;
  while (online < DEVICES && performance.now() - t1 < bound) {
    await new Promise((r) => setTimeout(r, 1000));
    brokersAlive();
    online = await countOnline(admin).catch(() => online);
    if (performance.now() - lastLog > 10_000) {
      const mem = simMemory(running.pids(), simOnline());
      log(
        `online on the hub ${online}, agents connected ${simOnline()} of ${DEVICES}; simulator RSS ` +
          `${Math.round(mem.rssMb)} MB (${Math.round(mem.perDeviceKb)} KB per connected device); free ${freeMb()} MB`,
      );
      lastLog = performance.now();
    }
  }
  const allOnline = online >= DEVICES;
  add('all devices online (hub view, retained status)', allOnline ? 'yes' : `no: ${online} of ${DEVICES}`, '');
  if (allOnline)
    add(`time until all online (connects ramped over ${rampMs / 1000} s)`, (performance.now() - t1) / 1000, 's');
  await new Promise((r) => setTimeout(r, 3000));
  const pgRss = () => postgresPids(cluster.pgPort).reduce((n, p) => n + rssMbOf(p), 0);
  add(`RSS Mosquitto (${BROKERS} brokers together)`, sum(cluster.mosquittoPids().map(rssMbOf)), 'MB');
  const mem = simMemory(running.pids(), simOnline());
  add(`RSS simulator workers (${mem.workers} processes, ${simOnline()} agents connected)`, mem.rssMb, 'MB');
  add('RSS simulator per connected device', mem.perDeviceKb, 'KB');
  add('RSS replica a', a.rssMb(), 'MB');
  add('RSS replica b', b.rssMb(), 'MB');
  add(`RSS PostgreSQL (${postgresPids(cluster.pgPort).length} processes)`, pgRss(), 'MB');

  // Ingest: publishers (their own processes and devices) at rising rates; what the replicas persist.
  await phase('ingest', async () => {
    const pubIds = Array.from({ length: PUBLISHERS }, (_, i) => `sim-${String(DEVICES + 1 + i).padStart(5, '0')}`);
    const pubs = await spawnPublishers(
      identities,
      caFingerprint,
      PUBLISHERS,
      // Each publisher on the broker the hub assigned it, as a device is.
      null,
      PUB_PROCS,
      DEVICES + 1,
    );
    const db = new pg.Client({ connectionString: cluster.databaseUrl });
    await db.connect();
    const stored = async () =>
      Number(
        (await db.query('SELECT count(*) AS n FROM health_samples WHERE device_id = ANY($1)', [pubIds])).rows[0].n,
      );
    const steps: Step[] = [];
    // The replicas are offered the same steps as bare Mosquitto below, so the two tops compare.
    const top = RATES[RATES.length - 1];
    const offered = [...RATES, top * 2, top * 4];
    for (const rate of offered) {
      const before = await stored();
      const pgPids = postgresPids(cluster.pgPort);
      const cpu0 = {
        'replica a': a.cpuS(),
        'replica b': b.cpuS(),
        mosquitto: cpuOf(cluster.mosquittoPids()),
        postgresql: cpuOf(pgPids),
        publishers: pubs.cpuS(),
      };
      const sent = await pubs.drive(rate, STEP_MS);
      let last = -1;
      for (let i = 0; i < 25; i++) {
        const n = await stored();
        if (n === last) break;
        last = n;
        await new Promise((r) => setTimeout(r, 200));
      }
      const now = {
        'replica a': a.cpuS(),
        'replica b': b.cpuS(),
        mosquitto: cpuOf(cluster.mosquittoPids()),
        postgresql: cpuOf(pgPids),
        publishers: pubs.cpuS(),
      };
      const cpu = Object.fromEntries(
        Object.entries(now).map(([k, v]) => [k, (v - cpu0[k as keyof typeof cpu0]) / (STEP_MS / 1000)]),
      );
      const step = { rate, sent: sent / (STEP_MS / 1000), taken: (last - before) / (STEP_MS / 1000), cpu };
      steps.push(step);
      log(
        `replicas: offered ${Math.round(step.sent)}/s, persisted ${Math.round(step.taken)}/s; CPU-s/s ${Object.entries(
          cpu,
        )
          .map(([k, v]) => `${k} ${v.toFixed(2)}`)
          .join(', ')}`,
      );
      if (step.taken < 0.95 * step.sent || step.sent < 0.95 * rate) break;
    }
    await pubs.close();
    await db.end();
    const kept = steps.filter((x) => x.taken >= 0.95 * x.sent);
    const best = kept.length ? kept[kept.length - 1].taken : 0;
    const bare = await mosquittoCeiling(
      { dataDir: cluster.dataDirs[0], identities, caFingerprint: caFingerprint },
      PUBLISHERS,
      // Further steps for the bare broker, until it (or the publishers) can go no faster.
      [...offered, top * 8, top * 16],
      PUB_PROCS,
      log,
    );
    add(`ingest persisted by the replicas, ${PUBLISHERS} publishers in ${PUB_PROCS} processes`, best, 'msg/s', {
      ...(bare
        ? { baseline: { name: 'Mosquitto delivering to one subscriber, no persistence', value: bare.best } }
        : {}),
    });
    const last = steps[steps.length - 1];
    const busiest = Math.max(
      ...Object.entries(last?.cpu ?? {}).map(([k, v]: [string, number]) => (k === 'publishers' ? 0 : v)),
    );
    // Nobody busy and nothing taken is a stall (a link waiting on acknowledgements), not a saturated process.
    const limit =
      last && last.taken < 0.95 * last.sent && busiest < 0.2
        ? `no process busy (at most ${busiest.toFixed(2)} CPU-s per s): the replicas took no messages, a stall`
        : saturatingSide(steps);
    add('ingest: what limits the top step (replicas)', limit, '');
    if (bare) add('ingest: what limits the top step (bare Mosquitto)', saturatingSide(bare.steps), '');
  });
  // Reconnect storm: every Mosquitto stopped and started again; every agent dials back on its backoff.
  await phase('reconnect storm', async () => {
    const restart = await cluster.restartBrokers();
    for (;;) {
      await new Promise((r) => setTimeout(r, 1000));
      if (simOnline() < DEVICES) break;
      if (Date.now() - restart.stoppedAt > 15_000) break;
    }
    let back = simOnline();
    while (back < DEVICES && Date.now() - restart.listeningAt < 600_000) {
      await new Promise((r) => setTimeout(r, 500));
      back = simOnline();
    }
    add('reconnect storm: broker restart (stop to listening)', (restart.listeningAt - restart.stoppedAt) / 1000, 's');
    add(
      'reconnect storm: all agents connected again, from the broker listening',
      back >= DEVICES ? (Date.now() - restart.listeningAt) / 1000 : `no: ${back} of ${DEVICES} after 600 s`,
      back >= DEVICES ? 's' : '',
    );
  });
  // Failover: SIGKILL the replica seen running a job; time until the other runs that job.
  await phase('failover', async () => {
    const f = await killJobHolder(cluster.databaseUrl, [a, b]);
    survivor = f.survivor;
    add(`failover: SIGKILL of replica ${f.killed} (running ${f.job}) to its lock released`, f.releasedMs, 'ms');
    add(`failover: SIGKILL to ${f.job} running on the other replica`, f.takenOverMs, 'ms');
  });
  await running.stop();
  fleet = null;

  // The device list at a large inventory, on the surviving replica.
  if (INVENTORY > 0) {
    const seeded = await seedInventory(cluster.databaseUrl, INVENTORY);
    add(`seed ${INVENTORY} devices (INSERT … SELECT generate_series)`, seeded, 's');
    const { session } = await createClient({ baseUrl: survivor.httpUrl, caPem: survivor.caPem }).login(
      'admin',
      ADMIN_PASSWORD,
    );
    const lister = createClient({ baseUrl: survivor.httpUrl, caPem: survivor.caPem, session });
    const list = await timeDeviceList(lister, LIST_REQUESTS, 4);
    const inv = `${INVENTORY + DEVICES + PUBLISHERS} devices`;
    add(`device list, ${inv}, filter + sort last_seen, pages 1 and 2, p50`, list.p50, 'ms');
    add(`device list, ${inv}, p99 (4 concurrent, ${LIST_REQUESTS} pages)`, list.p99, 'ms');
    add(`device list count of matches (${list.matched}), median of 5`, list.countMedian, 'ms');
  }
} catch (err) {
  add('failed', (err as Error).message, '');
} finally {
  await fleet?.stop();
  await cluster.stop();
}
emitRows(rows);
writeResults(value('--name') ?? 'scale', rows, {
  devices: DEVICES,
  simProcs: SIM_PROCS,
  publishers: PUBLISHERS,
  inventory: INVENTORY,
});
process.exit(0);
