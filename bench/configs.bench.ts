// Configuration compliance at fleet scale.
//   node --import tsx bench/configs.bench.ts [--devices 10000[,100000]] [--keys 50] [--sim 50] [--samples 30]
// 1. Full compliance scan: N devices seeded straight into the database, each with K managed
//    settings and a stored report (2% of devices drifted), timed through the hub's own scan.
// 2. Drift latency: simulated devices (real agent core, real mTLS); a local change on one of them
//    until the hub's API shows that device drifted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@outpost/client';
import { createLogger, loadConfig, startHub, type Hub } from '@outpost/hub';
import { simSettingsOf, startSimulation } from '@outpost/sim';
import type { MemorySettingsStore } from '@outpost/agent';
import { emitRows, percentile, writeResults, type Row } from './support.js';

const PASSWORD = 'bench-admin-password';

async function hubIn(dir: string, scanS = 3600): Promise<Hub> {
  const config = loadConfig({
    flags: {
      dataDir: dir,
      httpPort: 0,
      mqttPort: 0,
      bind: '127.0.0.1',
      adminPassword: PASSWORD,
      logLevel: 'warn',
      complianceScanIntervalS: scanS,
      // Capacity, not the per-caller and per-device limits.
      apiRequestsPerMinute: 1_000_000,
      deviceMessagesPerMinute: 600_000,
      deviceMessageBurst: 100_000,
    },
  });
  return startHub(config, { logger: createLogger('warn') });
}

async function admin(hub: Hub) {
  // A template over 100,000 devices computes every desired state before it answers.
  const base = { baseUrl: hub.httpUrl, caPem: hub.caPem, timeoutMs: 600_000 };
  return createClient({ ...base, session: (await createClient(base).login('admin', PASSWORD)).session });
}

const keyOf = (j: number) => `bench.section${Math.floor(j / 10)}.setting${j % 10}`;

/** Seeds devices, a group, a template over them, and a stored report per device. */
async function seedScan(hub: Hub, n: number, keys: number, log: (m: string) => void) {
  const db = hub.db;
  const now = new Date().toISOString();
  const ids = Array.from({ length: n }, (_, i) => `cfgb-${String(i).padStart(6, '0')}`);
  const c = await admin(hub);
  const group = await c.groups.create({ path: 'bench-cfg', kind: 'static' });
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < n; i += 500) {
      const chunk = ids.slice(i, i + 500);
      await trx
        .insertInto('devices')
        .values(
          chunk.map((id) => ({
            id,
            name: id,
            model: 'gw-200',
            presence: 'offline',
            enrolled_at: now,
            decommissioned: 0,
            health_interval_s: 30,
          })),
        )
        .execute();
      await trx
        .insertInto('group_members')
        .values(chunk.map((id) => ({ group_id: group.id, device_id: id })))
        .execute();
    }
  });
  const settings: Record<string, string | number | boolean> = {};
  for (let j = 0; j < keys; j++) settings[keyOf(j)] = j % 3 === 0 ? j : j % 3 === 1 ? `value-${j}` : j % 2 === 0;
  let t0 = performance.now();
  await c.templates.create({ name: 'bench', priority: 10, policy: 'report', target: { group: 'bench-cfg' }, settings });
  const createMs = performance.now() - t0;
  log(`template over ${n} devices saved (desired state computed for all) in ${Math.round(createMs)} ms`);
  t0 = performance.now();
  await db.transaction().execute(async (trx) => {
    for (const [i, id] of ids.entries()) {
      const reported = { ...settings };
      if (i % 50 === 0) reported[keyOf(1)] = 'changed-by-hand';
      const report = {
        ts: Date.now(),
        desiredVersion: 1,
        settings: reported,
        files: [],
        results: [],
        localChanges: [],
        maintenanceUntil: null,
      };
      await trx
        .updateTable('config_device_state')
        .set((eb) => ({
          reported_version: 1,
          reported_at: now,
          reported_json: JSON.stringify(report),
          report_rev: eb('report_rev', '+', 1),
        }))
        .where('device_id', '=', id)
        .execute();
    }
  });
  log(`reports seeded in ${Math.round(performance.now() - t0)} ms`);
  return { c, createMs };
}

export async function scanScenario(n: number, keys: number, log: (m: string) => void): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-cfg-'));
  const hub = await hubIn(dir);
  try {
    const { c, createMs } = await seedScan(hub, n, keys, log);
    const runs: number[] = [];
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      const res = await c.compliance.scan();
      runs.push(performance.now() - t0);
      log(
        `scan ${r + 1}: ${res.devices} devices, ${Math.round(res.durationMs)} ms in the hub, ${Math.round(runs[r])} ms over the API; ${res.republished} republished`,
      );
    }
    const s = await c.compliance.summary();
    log(`after the scans: ${s.overall.compliant} compliant, ${s.overall.drifted} drifted of ${s.overall.total}`);
    const rss = process.memoryUsage().rss / 2 ** 20;
    const first = runs[0];
    runs.sort((a, b) => a - b);
    return [
      // The first scan after start evaluates every report; later ones reuse the verdicts of unchanged devices.
      {
        scenario: `compliance scan ${n}×${keys}`,
        metric: 'first scan, every report evaluated',
        value: first,
        unit: 'ms',
      },
      { scenario: `compliance scan ${n}×${keys}`, metric: 'full scan (median of 3)', value: runs[1], unit: 'ms' },
      { scenario: `compliance scan ${n}×${keys}`, metric: 'full scan (slowest of 3)', value: runs[2], unit: 'ms' },
      {
        scenario: `compliance scan ${n}×${keys}`,
        metric: 'template save + desired state for all devices',
        value: createMs,
        unit: 'ms',
      },
      { scenario: `compliance scan ${n}×${keys}`, metric: 'drifted found', value: s.overall.drifted, unit: 'devices' },
      { scenario: `compliance scan ${n}×${keys}`, metric: 'process RSS after', value: rss, unit: 'MiB' },
    ];
  } finally {
    await hub.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Time from a local change on a simulated device until the hub's API shows it drifted. */
export async function driftLatencyScenario(devices: number, samples: number, log: (m: string) => void): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-drift-'));
  const cache = mkdtempSync(join(tmpdir(), 'outpost-bench-drift-ids-'));
  const hub = await hubIn(dir, 60);
  const c = await admin(hub);
  await c.groups.create({ path: 'drift', kind: 'static' });
  const tok = await c.enrollment.createToken({ label: 'drift bench', maxUses: devices, group: 'drift' });
  const sim = await startSimulation({
    hubUrl: hub.httpUrl,
    mqttUrl: `mqtts://127.0.0.1:${hub.mqttPort}`,
    caFingerprint: tok.caFingerprint,
    token: tok.token,
    devices,
    prefix: 'drift',
    cacheDir: cache,
    healthIntervalS: 30,
    rampMs: 1000,
  });
  try {
    await c.templates.create({
      name: 'drift',
      priority: 10,
      policy: 'report',
      target: { group: 'drift' },
      settings: { 'ssh.enabled': false, 'firewall.wan.open_ports': [443], 'logging.level': 'warning' },
    });
    const until = Date.now() + 60_000;
    while ((await c.compliance.summary()).overall.compliant < devices && Date.now() < until)
      await new Promise((r) => setTimeout(r, 200));
    const lat: number[] = [];
    for (let s = 0; s < samples; s++) {
      const id = sim.ids[s % sim.ids.length];
      const store = simSettingsOf(id)!.store as MemorySettingsStore;
      const t0 = performance.now();
      store.tamper({ 'firewall.wan.open_ports': [443, 8000 + s] }, `tech-${s}`);
      for (;;) {
        if ((await c.deviceConfig.get(id)).state === 'drifted') break;
        if (performance.now() - t0 > 30_000) throw new Error(`${id} not shown drifted within 30 s`);
        await new Promise((r) => setTimeout(r, 2));
      }
      lat.push(performance.now() - t0);
      await c.deviceConfig.push(id);
      while ((await c.deviceConfig.get(id)).state !== 'compliant') await new Promise((r) => setTimeout(r, 20));
    }
    lat.sort((a, b) => a - b);
    log(
      `drift latency over ${samples} samples: p50 ${lat[Math.floor(lat.length / 2)].toFixed(1)} ms, p95 ${percentile(lat, 95).toFixed(1)} ms, max ${lat[lat.length - 1].toFixed(1)} ms`,
    );
    return [
      {
        scenario: `drift latency (${devices} sim devices)`,
        metric: 'local change → hub shows drifted, p50',
        value: percentile(lat, 50),
        unit: 'ms',
      },
      {
        scenario: `drift latency (${devices} sim devices)`,
        metric: 'local change → hub shows drifted, p95',
        value: percentile(lat, 95),
        unit: 'ms',
      },
      {
        scenario: `drift latency (${devices} sim devices)`,
        metric: 'local change → hub shows drifted, max',
        value: lat[lat.length - 1],
        unit: 'ms',
      },
    ];
  } finally {
    await sim.stop({ clean: true });
    await hub.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const num = (flag: string, dflt: number) => (args.includes(flag) ? Number(args[args.indexOf(flag) + 1]) : dflt);
  const log = (m: string) => console.error(`[bench] ${m}`);
  // --devices takes a comma-separated list of fleet sizes: each is seeded and scanned on its own hub.
  const sizes = (args.includes('--devices') ? args[args.indexOf('--devices') + 1] : '10000').split(',').map(Number);
  const rows: Row[] = [];
  for (const n of sizes) rows.push(...(await scanScenario(n, num('--keys', 50), log)));
  if (num('--sim', 50) > 0) rows.push(...(await driftLatencyScenario(num('--sim', 50), num('--samples', 30), log)));
  for (const r of rows)
    console.log(
      `${r.scenario} | ${r.metric} | ${typeof r.value === 'number' ? r.value.toFixed(1) : r.value} ${r.unit}`,
    );
  writeResults('configs', rows);
  emitRows(rows);
  process.exit(0);
}
