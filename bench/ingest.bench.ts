import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { loadIdentity } from '@outpost/agent';
import { idleShare, machineCpu, percentile, startHubProcess, type Row } from './support.js';
import { mosquittoBin, startMosquitto } from './mosquitto.js';
import { fleetDataDir } from './fleet-cache.js';
import { cpuSecondsOf, spawnPublishers } from './publishers.js';
import { capacity, climb, climbEnds, keptUp, saturatingSide, type Step } from './saturation.js';

const STEP_MS = 6000;

const perS = (ms: number) => ms / 1000;

/** CPU seconds this process (the one polling for queryable samples) has used. */
const ownCpuS = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/**
 * Ingest: publishers in separate processes drive health at rising rates into the hub (messages
 * persisted and queryable) and into Debian's mosquitto with one plain subscriber (delivered, not
 * stored). The highest rate each keeps up with is its ceiling, Outpost's against mosquitto's, and
 * the side that saturated at the top step is named from the CPU each process used.
 */
export async function ingestScenario(
  publishers: number,
  rates: number[],
  log: (m: string) => void,
  procs = 2,
): Promise<Row[]> {
  const fleet = await fleetDataDir(Math.max(publishers, 200), log);
  const hub = await startHubProcess(fleet.dataDir);
  const pubs = await spawnPublishers(fleet.identities, fleet.caFingerprint, publishers, hub.mqttPort, procs);
  const db = new Database(join(fleet.dataDir, 'outpost.db'), { readonly: true });
  const count = () => (db.prepare('select count(*) n from health_samples').get() as { n: number }).n;
  const hubSteps: Array<{ rate: number; stored: number; delays: number[] }> = [];
  const hubLoad: Step[] = [];
  for (const rate of climb(rates)) {
    const before = count();
    const delays: number[] = [];
    const markers: Array<Promise<void>> = [];
    const cpu0 = { hub: hub.cpuS(), publishers: pubs.cpuS(), probes: ownCpuS(), machine: machineCpu() };
    const startedAt = Date.now();
    const sent = await pubs.drive(rate, STEP_MS, (id, ts) =>
      markers.push(waitQueryable(db, id, ts).then((d) => void delays.push(d))),
    );
    // What the hub stored of this step's load, per second until it was stored (a backlog shows as a shortfall).
    const [stored] = await Promise.all([taken(count, before, startedAt), Promise.all(markers)]);
    hubSteps.push({ rate: sent / perS(STEP_MS), stored, delays });
    const step: Step = {
      rate,
      sent: sent / perS(STEP_MS),
      taken: stored,
      cpu: {
        hub: (hub.cpuS() - cpu0.hub) / perS(STEP_MS),
        publishers: (pubs.cpuS() - cpu0.publishers) / perS(STEP_MS),
      },
      idle: idleShare(cpu0.machine, machineCpu()),
    };
    hubLoad.push(step);
    const p99 = percentile(
      delays.sort((a, b) => a - b),
      99,
    );
    const probes = (ownCpuS() - cpu0.probes) / perS(STEP_MS);
    log(
      `hub: offered ${Math.round(step.sent)}/s, persisted ${Math.round(stored)}/s, p99 ${Math.round(p99)} ms; ` +
        `CPU-s per s: hub ${step.cpu.hub.toFixed(2)}, publishers ${step.cpu.publishers.toFixed(2)}, ` +
        `queryable probes ${probes.toFixed(2)}; machine ${Math.round(step.idle! * 100)} % idle`,
    );
    if (climbEnds(hubLoad)) break;
  }
  const cpu = hub.cpuS();
  await pubs.close();
  db.close();
  await hub.stop();
  const mosquitto = await mosquittoCeiling(fleet, publishers, rates, procs, log);
  rmSync(dirname(fleet.dataDir), { recursive: true, force: true });
  // The latencies of the highest step the hub kept up with; the rate is what it persisted at saturation, read
  // with the same rule as mosquitto's.
  const kept = hubSteps.filter((s, i) => keptUp(hubLoad[i]));
  const best = kept[kept.length - 1] ?? hubSteps[0];
  const all = hubSteps.flatMap((s) => s.delays).sort((a, b) => a - b);
  const s = `ingest, ${publishers} publishers in ${procs} processes`;
  const rows: Row[] = [
    {
      scenario: s,
      metric: 'hub sustained persisted rate',
      value: capacity(hubLoad),
      unit: 'msg/s',
      ...(mosquitto ? { baseline: { name: 'mosquitto delivering to one subscriber', value: mosquitto.best } } : {}),
    },
    { scenario: s, metric: 'hub: saturating side', value: saturatingSide(hubLoad), unit: '' },
    {
      scenario: s,
      metric: 'publish to queryable p50, top step kept up with',
      value: percentile(
        best.delays.sort((a, b) => a - b),
        50,
      ),
      unit: 'ms',
    },
    {
      scenario: s,
      metric: 'publish to queryable p99, top step kept up with',
      value: percentile(best.delays, 99),
      unit: 'ms',
    },
    { scenario: s, metric: 'publish to queryable p99, all steps', value: percentile(all, 99), unit: 'ms' },
    { scenario: s, metric: 'hub CPU for the run', value: cpu, unit: 'CPU s' },
  ];
  if (mosquitto === null)
    rows.push({ scenario: s, metric: 'mosquitto baseline', value: 'skipped: mosquitto not installed', unit: '' });
  else {
    rows.push({
      scenario: s,
      metric: 'mosquitto delivered rate (no persistence)',
      value: mosquitto.best,
      unit: 'msg/s',
    });
    rows.push({ scenario: s, metric: 'mosquitto: saturating side', value: saturatingSide(mosquitto.steps), unit: '' });
  }
  return rows;
}

/**
 * What a receiving side took of a step, per second from the step's start until its backlog was drained:
 * polls `counter` until it has not moved for half a second (at most 15 s), and divides what it gained
 * since `before` by the time to its last move (never less than the step itself). A side that keeps up
 * drains within a flush or two; one that queues the load and catches up later takes longer, and its
 * rate shows it.
 */
async function taken(counter: () => number, before: number, startedAt: number): Promise<number> {
  let last = counter();
  let movedAt = Date.now();
  const until = movedAt + 15_000;
  while (Date.now() - movedAt < 500 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    const n = counter();
    if (n !== last) [last, movedAt] = [n, Date.now()];
  }
  return (last - before) / perS(Math.max(STEP_MS, movedAt - startedAt));
}

/**
 * Polls until the sample published at `ts` can be read back, as a history query reads it: by device and
 * time (the hub stamps a sample when it receives it, never before it was published), so each poll reads
 * the device's newest rows through the (device, time) index instead of all its rows.
 */
async function waitQueryable(db: Database.Database, id: string, ts: number): Promise<number> {
  const q = db.prepare(
    "select 1 from health_samples where device_id = ? and ts >= ? and json_extract(data_json, '$.ts') = ? limit 1",
  );
  const from = new Date(ts - 1000).toISOString();
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    if (q.get(id, from, ts)) return Date.now() - ts;
    await new Promise((r) => setTimeout(r, 10));
  }
  return 10_000;
}

export async function mosquittoCeiling(
  fleet: { dataDir: string; identities: string; caFingerprint: string },
  publishers: number,
  rates: number[],
  procs: number,
  log: (m: string) => void,
): Promise<{ best: number; steps: Step[] } | null> {
  if (!mosquittoBin()) {
    log('mosquitto not installed (apt-get install mosquitto): skipping the baseline');
    return null;
  }
  const broker = await startMosquitto(fleet.dataDir, ['max_queued_messages 1000000']);
  const port = broker.port;
  try {
    const sub = (await loadIdentity(join(fleet.identities, fleet.caFingerprint.slice(0, 16), 'sim-00001')))!;
    const subscriber = mqtt.connect(`mqtts://127.0.0.1:${port}`, {
      clientId: 'baseline-subscriber',
      key: sub.privateKeyPem,
      cert: sub.certPem,
      ca: sub.caPem,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    let received = 0;
    subscriber.on('message', () => received++);
    await new Promise((res, rej) => {
      subscriber.once('connect', res);
      subscriber.once('close', () => rej(new Error('baseline subscriber could not connect to mosquitto')));
      setTimeout(() => rej(new Error('mosquitto did not answer')), 10_000);
    });
    subscriber.removeAllListeners('close');
    await subscriber.subscribeAsync('outpost/v1/d/+/health', { qos: 0 });
    const pubs = await spawnPublishers(fleet.identities, fleet.caFingerprint, publishers, port, procs);
    const steps: Step[] = [];
    // The subscriber runs in this process: its CPU is this process's.
    const subscriberCpuS = ownCpuS;
    for (const rate of climb(rates)) {
      const before = received;
      const cpu0 = {
        mosquitto: cpuSecondsOf(broker.proc.pid!),
        subscriber: subscriberCpuS(),
        publishers: pubs.cpuS(),
        machine: machineCpu(),
      };
      const startedAt = Date.now();
      const sent = await pubs.drive(rate, STEP_MS);
      const got = await taken(() => received, before, startedAt);
      steps.push({
        rate,
        sent: sent / perS(STEP_MS),
        taken: got,
        cpu: {
          mosquitto: (cpuSecondsOf(broker.proc.pid!) - cpu0.mosquitto) / perS(STEP_MS),
          subscriber: (subscriberCpuS() - cpu0.subscriber) / perS(STEP_MS),
          publishers: (pubs.cpuS() - cpu0.publishers) / perS(STEP_MS),
        },
        idle: idleShare(cpu0.machine, machineCpu()),
      });
      const step = steps[steps.length - 1];
      log(
        `mosquitto: offered ${Math.round(step.sent)}/s, delivered ${Math.round(got)}/s; CPU-s per s: ` +
          `${Object.entries(step.cpu)
            .map(([k, v]) => `${k} ${v.toFixed(2)}`)
            .join(', ')}; machine ${Math.round(step.idle! * 100)} % idle`,
      );
      if (climbEnds(steps)) break;
    }
    await pubs.close();
    await subscriber.endAsync(true);
    return { best: capacity(steps), steps };
  } finally {
    await broker.stop();
  }
}
