// Diagnostics on a fleet: a real hub in its own process, N simulated devices (real agent core and
// diagnostics feature, mTLS MQTT; only the diagnostic's process is simulated), one diagnostic run on
// every device. Figures: time from the start request until every result is in, per run, and the
// time and size of the zip download of all results.
//   node --import tsx --conditions=source bench/diagnostics.bench.ts --devices 1000 --runs 3
//   npm run bench -- --only diagnostics
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { downloadDiagnostics } from '@outpost/client';
import { simDiagnosticsFeature, startSimulation } from '@outpost/sim';
import { emitRows, percentile, startHubProcess, writeResults, type Row } from './support.js';
import { adminClient, countOnline, fleetDataDir } from './fleet-cache.js';

const args = process.argv.slice(2);
const value = (flag: string, dflt: string) => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : dflt;
};
const devices = Number(value('--devices', '1000'));
const runs = Number(value('--runs', '3'));
const log = (m: string) => console.error(`[diagnostics] ${m}`);

const fleet = await fleetDataDir(devices, log);
const hub = await startHubProcess(fleet.dataDir);
const rows: Row[] = [];
const s = `diagnostic on ${devices} devices`;
try {
  const admin = await adminClient(hub);
  const sim = await startSimulation({
    hubUrl: hub.httpUrl,
    mqttUrl: `mqtts://127.0.0.1:${hub.mqttPort}`,
    caFingerprint: fleet.caFingerprint,
    devices,
    cacheDir: fleet.identities,
    healthIntervalS: 600,
    rampMs: 0,
    backoff: { baseMs: 1000, capMs: 30_000 },
    features: (d) => [simDiagnosticsFeature(d)],
    renewal: false,
  });
  for (let i = 0; (await countOnline(admin)) < devices; i++) {
    if (i > 600) throw new Error(`only ${await countOnline(admin)} of ${devices} online after 5 min`);
    await new Promise((r) => setTimeout(r, 500));
  }
  log(`${devices} online`);
  const times: number[] = [];
  let lastRun = '';
  for (let i = 0; i < runs; i++) {
    const name = i % 2 === 0 ? 'ip-addr' : 'modem';
    const t0 = performance.now();
    const run = await admin.diagnostics.start({ name, filter: '' });
    let detail = await admin.diagnostics.get(run.id, 0);
    while (detail.state !== 'finished') {
      await new Promise((r) => setTimeout(r, 100));
      detail = await admin.diagnostics.get(run.id, 0);
    }
    const ms = performance.now() - t0;
    const ok = detail.counts.ok ?? 0;
    if (ok !== devices) throw new Error(`run ${i + 1}: ${ok} of ${devices} ok: ${JSON.stringify(detail.counts)}`);
    times.push(ms);
    lastRun = run.id;
    log(`run ${i + 1} (${name}): ${devices} results in ${Math.round(ms)} ms`);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const zipFile = `${dirname(fleet.dataDir)}/results.zip`;
  const z0 = performance.now();
  const { bytes } = await downloadDiagnostics(admin.options, lastRun, 'zip', zipFile);
  const zipMs = performance.now() - z0;
  rows.push(
    { scenario: s, metric: 'start to all results in, median', value: percentile(sorted, 50), unit: 'ms' },
    { scenario: s, metric: 'start to all results in, slowest', value: sorted[sorted.length - 1], unit: 'ms' },
    {
      scenario: s,
      metric: 'results per second (median run)',
      value: (devices * 1000) / percentile(sorted, 50),
      unit: '/s',
    },
    { scenario: s, metric: 'zip of all results: download time', value: zipMs, unit: 'ms' },
    { scenario: s, metric: 'zip of all results: size', value: bytes / 1024, unit: 'KiB' },
    { scenario: s, metric: 'hub RSS after', value: hub.rssMb(), unit: 'MB' },
  );
  await sim.stop({ clean: false });
} finally {
  await hub.stop();
  rmSync(dirname(fleet.dataDir), { recursive: true, force: true });
  rmSync(`${fleet.dataDir}.kek`, { force: true });
}
emitRows(rows);
writeResults('diagnostics', rows, { devices, runs });
process.exit(0);
