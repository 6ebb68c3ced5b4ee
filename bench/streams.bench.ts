// Process data on the hub.
//   node --import tsx --conditions=source bench/streams.bench.ts [--devices 1000] [--points 20] [--rounds 10] [--days 30]
// 1. Ingest: `data` batches of N devices × P points through the hub's own handler (validation,
//    the once-per-seq check, raw values, latest, three roll-up tiers and the filter index, one
//    transaction per batch) into the hub's SQLite file: values persisted per second.
// 2. History: D days of 1-minute roll-ups of 100 points of one device, then the time to read the
//    whole range of 1 point, and of all 100 points (one query each, in turn).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SCHEMA_VERSION } from '@outpost/protocol';
import { hubMigrations } from '../packages/hub/src/domains/hub-modules.js';
import { openSqlite } from '../packages/hub/src/storage/database.js';
import { createManualClock } from '../packages/hub/src/platform/manual-clock.js';
import { createMetrics } from '../packages/hub/src/platform/metrics.js';
import { createLogger } from '../packages/hub/src/platform/logger.js';
import { createDataLatestIndex } from '../packages/hub/src/domains/devices/index.js';
import { createStreamsStore } from '../packages/hub/src/domains/streams/streams.store.js';
import { createStreamsIngest } from '../packages/hub/src/domains/streams/streams.service.js';
import { emitRows, percentile, writeResults, type Row } from './support.js';

const args = process.argv.slice(2);
const num = (flag: string, d: number) => {
  const i = args.indexOf(flag);
  return i >= 0 ? Number(args[i + 1]) : d;
};
const DEVICES = num('--devices', 1000);
const POINTS = num('--points', 20);
const ROUNDS = num('--rounds', 10);
const DAYS = num('--days', 30);
const QUERY_POINTS = 100;
const log = (m: string) => console.error(`[streams] ${m}`);

const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-streams-'));
const rows: Row[] = [];
try {
  const db = await openSqlite(dir, hubMigrations());
  const t0 = Date.parse('2026-12-01T00:00:00Z');
  const clock = createManualClock(t0);
  const ids = Array.from({ length: DEVICES }, (_, i) => `site-${String(i).padStart(5, '0')}`);
  for (let i = 0; i < ids.length; i += 400)
    await db
      .insertInto('devices')
      .values(ids.slice(i, i + 400).map((id) => ({ id, name: id, enrolled_at: new Date(t0).toISOString() })) as never)
      .execute();
  const store = createStreamsStore(db);
  const ingest = createStreamsIngest({
    store,
    clock,
    logger: createLogger('silent'),
    metrics: createMetrics(),
    recordDeviceEvent: async () => undefined,
    maxPointsPerDevice: 1000,
    latestIndex: createDataLatestIndex(db),
  });
  const payload = (round: number, device: number) =>
    Buffer.from(
      JSON.stringify({
        v: SCHEMA_VERSION,
        seq: round + 1,
        values: Array.from({ length: POINTS }, (_, p) => ({
          p: `point_${p}`,
          v: p % 5 === 0 ? (round + device) % 2 === 0 : Math.round(Math.sin(round + device + p) * 1000) / 10,
          t: t0 + round * 10_000,
        })),
        ...(round === 0
          ? { defs: Array.from({ length: POINTS }, (_, p) => ({ p: `point_${p}`, type: 'number' })) }
          : {}),
      }),
    );
  log(`ingest: ${DEVICES} devices × ${POINTS} points, ${ROUNDS} rounds`);
  const started = performance.now();
  for (let r = 0; r < ROUNDS; r++) {
    const bodies = ids.map((_, d) => payload(r, d));
    await Promise.all(ids.map((id, d) => ingest.onData(id, bodies[d]!)));
    clock.advance(10_000);
  }
  const seconds = (performance.now() - started) / 1000;
  const values = DEVICES * POINTS * ROUNDS;
  log(`ingest: ${values} values in ${seconds.toFixed(1)} s`);
  rows.push({
    scenario: 'streams',
    metric: `data points persisted (${DEVICES} devices × ${POINTS} points)`,
    value: values / seconds,
    unit: 'values/s',
  });
  rows.push({
    scenario: 'streams',
    metric: 'data batches persisted',
    value: (DEVICES * ROUNDS) / seconds,
    unit: 'batches/s',
  });

  // History: D days of minute roll-ups for 100 points of one device, written straight to the file.
  log(`history: writing ${DAYS} days of 1-minute roll-ups for ${QUERY_POINTS} points`);
  const raw = new Database(join(dir, 'outpost.db'));
  const insert = raw.prepare(
    `INSERT INTO stream_rollups (device_id, point, tier, ts, v_min, v_max, v_sum, n, v_first, first_ts, v_last, last_ts)
     VALUES ('trend', ?, '1m', ?, ?, ?, ?, 6, ?, ?, ?, ?)`,
  );
  const from = t0 - DAYS * 86_400_000;
  const minutes = DAYS * 1440;
  raw.transaction(() => {
    for (let p = 0; p < QUERY_POINTS; p++)
      for (let m = 0; m < minutes; m++) {
        const ts = from + m * 60_000;
        const v = Math.sin(m / 30 + p);
        insert.run(`point_${p}`, ts, v - 1, v + 1, v * 6, v, ts, v, ts + 50_000);
      }
  })();
  raw.close();
  const one: number[] = [];
  let n = 0;
  for (let i = 0; i < 5; i++) {
    const s = performance.now();
    n = (await store.rollups({ deviceId: 'trend', point: 'point_0', from, to: t0, tier: '1m' })).length;
    one.push(performance.now() - s);
  }
  const all: number[] = [];
  for (let i = 0; i < 3; i++) {
    const s = performance.now();
    for (let p = 0; p < QUERY_POINTS; p++)
      await store.rollups({ deviceId: 'trend', point: `point_${p}`, from, to: t0, tier: '1m' });
    all.push(performance.now() - s);
  }
  one.sort((a, b) => a - b);
  all.sort((a, b) => a - b);
  log(
    `history: 1 point (${n} buckets) p50 ${percentile(one, 50).toFixed(0)} ms; 100 points p50 ${percentile(all, 50).toFixed(0)} ms`,
  );
  rows.push({
    scenario: 'streams',
    metric: `history, ${DAYS} days of 1-min roll-ups, 1 point (p50)`,
    value: percentile(one, 50),
    unit: 'ms',
  });
  rows.push({
    scenario: 'streams',
    metric: `history, ${DAYS} days of 1-min roll-ups, ${QUERY_POINTS} points (p50)`,
    value: percentile(all, 50),
    unit: 'ms',
  });
  await db.destroy();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
emitRows(rows);
if (args.includes('--write')) writeResults('streams', rows);
