// Process data on the hub.
//   node --import tsx --conditions=source bench/streams.bench.ts [--devices 1000] [--points 20] [--rounds 10] [--days 30]
// 1. Ingest: `data` batches of N devices × P points through the hub's own handler (validation,
//    the once-per-seq check, raw values, latest, three roll-up tiers and the filter index, one
//    batches arriving together share a transaction through the group commit) into the hub's SQLite
//    file: values persisted per second.
// 2. History: D days of 1-minute roll-ups of 100 points of one device (and the 1-hour tier folded
//    from them), generated inside SQLite; then the time to read the whole range as the API does, at
//    the interval it picks (1 h for 30 days), for 1 point and for all 100, and at 1 min for 1 point.
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
import { history } from '../packages/hub/src/domains/streams/streams.history.js';
import type { StreamsReader } from '../packages/hub/src/domains/streams/index.js';
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

  // History: D days of 1-minute roll-ups for 100 points of one device, generated inside SQLite by
  // one INSERT … SELECT over recursive sequences (no per-row round trips), in one transaction; the
  // 1-hour tier is then folded from those minutes the same way, as the API reads it for 30 days.
  log(`history: generating ${DAYS} days of 1-minute roll-ups for ${QUERY_POINTS} points`);
  const seedStart = performance.now();
  const raw = new Database(join(dir, 'outpost.db'));
  const from = t0 - DAYS * 86_400_000;
  const minutes = DAYS * 1440;
  raw.transaction(() => {
    raw
      .prepare(
        `WITH RECURSIVE p(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM p WHERE j < ?)
         INSERT INTO stream_points (device_id, point, type, writable, writes_enabled, created_at)
         SELECT 'trend', 'point_' || j, 'number', 0, 0, ? FROM p`,
      )
      .run(QUERY_POINTS - 1, from);
    raw
      .prepare(
        `WITH RECURSIVE p(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM p WHERE j < ?),
           m(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM m WHERE i < ?),
           g(j, ts, v) AS (SELECT j, ? + i * 60000, ((i * 7 + j * 13) % 2000) / 10.0 FROM p, m)
         INSERT INTO stream_rollups (device_id, point, tier, ts, v_min, v_max, v_sum, n, v_first, first_ts, v_last, last_ts)
         SELECT 'trend', 'point_' || j, '1m', ts, v - 1, v + 1, v * 6, 6, v, ts, v, ts + 50000 FROM g ORDER BY j, ts`,
      )
      .run(QUERY_POINTS - 1, minutes - 1, from);
    raw
      .prepare(
        `INSERT INTO stream_rollups (device_id, point, tier, ts, v_min, v_max, v_sum, n, v_first, first_ts, v_last, last_ts)
         SELECT device_id, point, '1h', ts - ts % 3600000, MIN(v_min), MAX(v_max), SUM(v_sum), SUM(n),
                MIN(v_first), MIN(first_ts), MAX(v_last), MAX(last_ts)
         FROM stream_rollups WHERE device_id = 'trend' AND tier = '1m' GROUP BY device_id, point, ts - ts % 3600000`,
      )
      .run();
  })();
  raw.close();
  const seedS = (performance.now() - seedStart) / 1000;
  log(`history: ${QUERY_POINTS * minutes} minute roll-ups (+ hours) generated in ${seedS.toFixed(1)} s`);
  rows.push({
    scenario: 'streams',
    metric: `history seed, ${QUERY_POINTS * minutes} 1-min roll-ups`,
    value: seedS,
    unit: 's',
  });

  // Read as the API does (streams.history.ts): the interval it picks for the range, and raw minutes.
  const reader = { raw: store.raw, rollups: store.rollups } as unknown as StreamsReader;
  const range = { from: new Date(from).toISOString(), to: new Date(t0).toISOString() };
  const points = await store.points('trend');
  const median = async (runs: number, f: () => Promise<unknown>) => {
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      const s = performance.now();
      await f();
      ms.push(performance.now() - s);
    }
    return percentile(
      ms.sort((a, b) => a - b),
      50,
    );
  };
  const picked = (await history(reader, 'trend', points[0]!, range)).interval;
  const oneAuto = await median(7, () => history(reader, 'trend', points[0]!, range));
  const allAuto = await median(3, async () => {
    for (const p of points) await history(reader, 'trend', p, range);
  });
  const oneMinute = await median(5, () => history(reader, 'trend', points[0]!, { ...range, interval: '1m' }));
  log(
    `history over ${DAYS} days (API picks ${picked}): 1 point ${oneAuto.toFixed(1)} ms, ${QUERY_POINTS} points ${allAuto.toFixed(0)} ms; 1 point at 1m ${oneMinute.toFixed(0)} ms (medians)`,
  );
  rows.push(
    {
      scenario: 'streams',
      metric: `history, ${DAYS} days at ${picked} (API's pick), 1 point (median)`,
      value: oneAuto,
      unit: 'ms',
    },
    {
      scenario: 'streams',
      metric: `history, ${DAYS} days at ${picked} (API's pick), ${QUERY_POINTS} points (median)`,
      value: allAuto,
      unit: 'ms',
    },
    { scenario: 'streams', metric: `history, ${DAYS} days at 1m, 1 point (median)`, value: oneMinute, unit: 'ms' },
  );
  await db.destroy();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
emitRows(rows);
if (args.includes('--write')) writeResults('streams', rows);
