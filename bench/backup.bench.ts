// Backup and restore figures (not part of `npm run bench`):
//   node --import tsx bench/backup.bench.ts [--devices 10000] [--days 7] [--interval-s 300] [--artifact-mb 50] [--level 6]
// Seeds a hub data directory: N devices in the inventory (through the fleet fixture's seeding),
// `days` of health samples per device at one report every `interval-s` seconds (the rows the
// ingest writer stores: one per health message), hourly roll-ups over the same days, a CA under
// a KEK and one incompressible artifact. Then takes an online backup while a writer keeps adding
// health samples through a second connection (as the running hub would), and restores it into an
// empty directory. Writes bench/results/backup.{md,json}.
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { seedDevices } from '../packages/hub/src/domains/fleet/monitoring.fixture.js';
import { openHubDatabase } from '../packages/hub/src/domains/hub-modules.js';
import { loadOrCreateCa } from '../packages/hub/src/domains/pki/ca.js';
import { loadOrCreateKek } from '../packages/hub/src/domains/pki/kek.js';
import { createBackup, restoreBackup } from '../packages/hub/src/backup/index.js';
import { snapshotDatabase } from '../packages/hub/src/backup/backup.js';
import { emitRows, writeResults, type Row } from './support.js';

const args = process.argv.slice(2);
const arg = (f: string, d: number) => (args.includes(f) ? Number(args[args.indexOf(f) + 1]) : d);
const DEVICES = arg('--devices', 10_000);
const DAYS = arg('--days', 7);
const INTERVAL_S = arg('--interval-s', 300);
const ARTIFACT_MB = arg('--artifact-mb', 50);
const LEVEL = arg('--level', 6);
const log = (m: string) => console.error(`[backup] ${m}`);
const MB = 1024 * 1024;
const END = Date.parse('2026-12-07T00:00:00Z');
const idOf = (i: number) => `dev-${String(i).padStart(6, '0')}`;

function health(i: number, k: number, ts: number): string {
  return JSON.stringify({
    v: 1,
    ts,
    uptimeS: 1000 + k * INTERVAL_S,
    cpuPct: (i * 7 + k) % 100,
    memUsedPct: 30 + ((i + k) % 50),
    diskUsedPct: 40 + (i % 40),
    temperatureC: 35 + ((k + i) % 30),
    signalDbm: -60 - (i % 50),
  });
}

// The rows the hub keeps, written in large transactions through a second connection.
function seedSamples(dbPath: string): number {
  const raw = new BetterSqlite3(dbPath);
  raw.pragma('journal_mode = WAL');
  // Seeding only: no fsync (the figures measured are the backup's and the restore's, not this).
  raw.pragma('synchronous = OFF');
  raw.pragma('cache_size = -262144');
  const sample = raw.prepare('insert into health_samples (device_id, ts, data_json) values (?, ?, ?)');
  const hourly = raw.prepare('insert into health_hourly (device_id, hour, samples, stats_json) values (?, ?, ?, ?)');
  const perDevice = Math.floor((DAYS * 86_400) / INTERVAL_S);
  const start = END - DAYS * 86_400_000;
  let rows = 0;
  const seedOne = (i: number) => {
    const id = idOf(i);
    for (let k = 0; k < perDevice; k++) {
      const ts = start + k * INTERVAL_S * 1000 + (i % INTERVAL_S) * 1000;
      sample.run(id, new Date(ts).toISOString(), health(i, k, ts));
    }
    for (let h = 0; h < DAYS * 24; h++) {
      const hour = new Date(start + h * 3_600_000).toISOString().slice(0, 13) + ':00:00.000Z';
      const stats = { cpuPct: { min: 1, max: 99, avg: 50 }, temperatureC: { min: 35, max: 64, avg: 49 } };
      hourly.run(id, hour, Math.round(3600 / INTERVAL_S), JSON.stringify(stats));
    }
    rows += perDevice;
  };
  const hundred = raw.transaction((from: number) => {
    for (let i = from; i < from + 100 && i <= DEVICES; i++) seedOne(i);
  });
  for (let i = 1; i <= DEVICES; i += 100) {
    hundred(i);
    if ((i + 99) % 1000 === 0)
      log(`seeded ${Math.min(i + 99, DEVICES)}/${DEVICES} devices (${rows.toLocaleString('en')} samples)`);
  }
  raw.pragma('wal_checkpoint(TRUNCATE)');
  raw.close();
  return rows;
}

// The running hub keeps ingesting while the backup copies: 50 samples every 10 ms from another
// thread (the backup's page copy holds the bench's own thread, as it holds the CLI's, not the hub's).
const WRITER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const raw = new Database(workerData.path);
raw.pragma('busy_timeout = 5000');
const insert = raw.prepare('insert into health_samples (device_id, ts, data_json) values (?, ?, ?)');
const batch = raw.transaction((n) => {
  for (let k = 0; k < 50; k++) insert.run('dev-' + String(((n * 50 + k) % workerData.devices) + 1).padStart(6, '0'), new Date(workerData.end + n).toISOString(), '{}');
});
let n = 0;
const timer = setInterval(() => batch(n++), 10);
parentPort.on('message', () => { clearInterval(timer); raw.close(); parentPort.postMessage(n * 50); });
`;

function startWriter(dbPath: string) {
  const module = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WRITER, { eval: true, workerData: { path: dbPath, module, devices: DEVICES, end: END } });
  return {
    async stop(): Promise<number> {
      worker.postMessage('stop');
      const [written] = (await once(worker, 'message')) as [number];
      await worker.terminate();
      return written;
    },
  };
}

async function main() {
  const root = mkdtempSync(join(tmpdir(), 'outpost-backup-bench-'));
  const dataDir = join(root, 'data');
  try {
    const db = await openHubDatabase(dataDir);
    const kek = await loadOrCreateKek({ dataDir });
    await loadOrCreateCa({ dataDir, kek });
    await seedDevices(db, DEVICES, (i) => ({
      id: idOf(i),
      health_json: health(i, 0, END),
      health_at: new Date(END).toISOString(),
    }));
    await db.destroy();
    const t0 = performance.now();
    const samples = seedSamples(join(dataDir, 'outpost.db'));
    log(`seeded ${samples.toLocaleString('en')} samples in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    mkdirSync(join(dataDir, 'artifacts'), { recursive: true });
    writeFileSync(join(dataDir, 'artifacts', 'f'.repeat(64)), randomBytes(ARTIFACT_MB * MB));
    const dbBytes = statSync(join(dataDir, 'outpost.db')).size;

    // The snapshot alone (SQLite's backup API and the copy's quick_check), apart from compression.
    const s0 = performance.now();
    await snapshotDatabase(dataDir, join(root, 'snapshot.db'));
    const snapshotS = (performance.now() - s0) / 1000;
    rmSync(join(root, 'snapshot.db'), { force: true });
    log(`snapshot alone: ${snapshotS.toFixed(1)} s`);

    const writer = startWriter(join(dataDir, 'outpost.db'));
    const archive = join(root, 'hub.tar.gz');
    const b0 = performance.now();
    const backup = await createBackup({ dataDir, out: archive, kek, now: new Date(END), level: LEVEL });
    const backupS = (performance.now() - b0) / 1000;
    const writtenDuring = await writer.stop();
    log(
      `backup: ${backupS.toFixed(1)} s, ${(backup.bytes / MB).toFixed(0)} MB; ${writtenDuring} samples written meanwhile`,
    );

    const r0 = performance.now();
    await restoreBackup({ archive, dataDir: join(root, 'restored'), kek, writeKekFile: true });
    const restoreS = (performance.now() - r0) / 1000;
    log(`restore: ${restoreS.toFixed(1)} s`);
    const o0 = performance.now();
    const reopened = await openHubDatabase(join(root, 'restored'));
    await reopened.destroy();
    const reopenS = (performance.now() - o0) / 1000;

    const scenario = `backup ${DEVICES} devices, ${DAYS} d of health every ${INTERVAL_S} s`;
    const rows: Row[] = [
      { scenario, metric: 'health samples', value: samples, unit: 'rows' },
      { scenario, metric: 'database size', value: dbBytes / MB, unit: 'MiB' },
      { scenario, metric: 'artifact', value: ARTIFACT_MB, unit: 'MiB' },
      { scenario, metric: 'database snapshot alone (backup API + quick_check)', value: snapshotS, unit: 's' },
      { scenario, metric: `backup time (online, gzip ${LEVEL})`, value: backupS, unit: 's' },
      { scenario, metric: 'archive size', value: backup.bytes / MB, unit: 'MiB' },
      { scenario, metric: 'samples written during the backup', value: writtenDuring, unit: 'rows' },
      { scenario, metric: 'restore time (verify + unpack)', value: restoreS, unit: 's' },
      { scenario, metric: 'open restored database (schema check)', value: reopenS, unit: 's' },
    ];
    emitRows(rows);
    writeResults('backup', rows, { devices: DEVICES, days: DAYS, intervalS: INTERVAL_S, level: LEVEL });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
