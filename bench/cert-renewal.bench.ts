// Certificate renewal soak: a fresh hub (its own process) issuing short-lived device certificates
// (--cert-seconds, default 120) to a simulated fleet (--devices, default 50) that renews them
// continuously at the default policy (2/3 of the lifetime plus up to 10 % jitter), for --duration
// seconds (default 600). Reports the renewals per second the hub sustained, the busiest 10 s, the
// hub's CPU per renewal, failed attempts, and whether any device was ever offline.
//   node --import tsx bench/cert-renewal.bench.ts [--devices 50] [--cert-seconds 120] [--duration 600]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulation } from '@outpost/sim';
import { emitRows, startHubProcess, writeResults, type Row } from './support.js';
import { adminClient, countOnline } from './fleet-cache.js';

const args = process.argv.slice(2);
const num = (flag: string, dflt: number) => {
  const i = args.indexOf(flag);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const devices = num('--devices', 50);
const certSeconds = num('--cert-seconds', 120);
const durationS = num('--duration', 600);
const log = (m: string) => console.error(`[cert-renewal] ${m}`);

const work = mkdtempSync(join(tmpdir(), 'outpost-bench-renew-'));
const hub = await startHubProcess(join(work, 'data'), { OUTPOST_DEVICE_CERT_SECONDS: String(certSeconds) });
try {
  const admin = await adminClient(hub);
  const tok = await admin.enrollment.createToken({ label: 'renewal soak', maxUses: devices });
  log(`enrolling ${devices} devices with ${certSeconds}-second certificates`);
  const sim = await startSimulation({
    hubUrl: hub.httpUrl,
    mqttUrl: `mqtts://127.0.0.1:${hub.mqttPort}`,
    caFingerprint: tok.caFingerprint,
    token: tok.token,
    devices,
    cacheDir: join(work, 'identities'),
    healthIntervalS: 30,
    rampMs: 2000,
  });
  const waitUntil = Date.now() + 120_000;
  while ((await countOnline(admin)) < devices && Date.now() < waitUntil) await sleep(250);
  log(`all ${devices} online; soaking for ${durationS} s`);
  const renewals = () => sim.devices.reduce((n, d) => n + (d.renewal?.status().renewals ?? 0), 0);
  const failures = () => sim.devices.reduce((n, d) => n + (d.renewal?.status().failures ?? 0), 0);
  const cpu0 = hub.cpuS();
  const r0 = renewals();
  const t0 = Date.now();
  let lowestHub = devices;
  let lowestAgents = devices;
  let maxFailuresInFlight = 0;
  const windows: number[] = [];
  let lastWindowAt = t0;
  let lastWindowCount = r0;
  while (Date.now() - t0 < durationS * 1000) {
    await sleep(500);
    lowestHub = Math.min(lowestHub, await countOnline(admin));
    // An agent moving to its renewed certificate is "connecting" while its old link still serves;
    // only a lost link ("waiting") or a stop is an outage.
    lowestAgents = Math.min(
      lowestAgents,
      sim.agents.filter((a) => a.state() === 'online' || a.state() === 'connecting').length,
    );
    maxFailuresInFlight = Math.max(maxFailuresInFlight, failures());
    if (Date.now() - lastWindowAt >= 10_000) {
      windows.push((renewals() - lastWindowCount) / ((Date.now() - lastWindowAt) / 1000));
      lastWindowAt = Date.now();
      lastWindowCount = renewals();
      log(`${Math.round((Date.now() - t0) / 1000)} s: ${renewals() - r0} renewals, lowest online ${lowestHub}`);
    }
  }
  const elapsedS = (Date.now() - t0) / 1000;
  const done = renewals() - r0;
  const hubCpu = hub.cpuS() - cpu0;
  const perDevice = sim.devices.map((d) => d.renewal?.status().renewals ?? 0);
  const expired = sim.devices.filter((d) => d.renewal?.status().expired).length;
  await sim.stop({ clean: true });
  const s = `renewal ${devices} devices, ${certSeconds} s certificates, ${durationS} s`;
  const rows: Row[] = [
    { scenario: s, metric: 'renewals completed', value: done, unit: '' },
    { scenario: s, metric: 'renewals per second sustained', value: done / elapsedS, unit: '/s' },
    { scenario: s, metric: 'busiest 10 s', value: Math.max(0, ...windows), unit: '/s' },
    { scenario: s, metric: 'fewest renewals of one device', value: Math.min(...perDevice), unit: '' },
    // All the hub's work over the soak (health reports, presence, renewals) divided by the renewals.
    {
      scenario: s,
      metric: 'hub CPU per renewal (upper bound)',
      value: done ? (hubCpu * 1000) / done : NaN,
      unit: 'ms',
    },
    { scenario: s, metric: 'most failed attempts outstanding at once', value: maxFailuresInFlight, unit: '' },
    { scenario: s, metric: 'devices whose certificate lapsed', value: expired, unit: '' },
    { scenario: s, metric: 'fewest online (hub view)', value: lowestHub, unit: `of ${devices}` },
    { scenario: s, metric: 'fewest agents with a link', value: lowestAgents, unit: `of ${devices}` },
    {
      scenario: s,
      metric: 'any device offline',
      value: lowestHub < devices || lowestAgents < devices ? 'yes' : 'no',
      unit: '',
    },
  ];
  for (const r of rows) log(`${r.metric}: ${typeof r.value === 'number' ? r.value.toFixed(3) : r.value} ${r.unit}`);
  writeResults('cert-renewal', rows);
  emitRows(rows);
} finally {
  await hub.stop();
  rmSync(work, { recursive: true, force: true });
}

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}
