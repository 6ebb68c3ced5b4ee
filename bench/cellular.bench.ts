// Cellular figures on SQLite and PostgreSQL, at inventory sizes seeded in SQL.
//   node --import tsx --conditions=source bench/cellular.bench.ts [--sims 100000] [--geo 100000,1000000]
//        [--engines sqlite,postgres] [--queries 40]
// 1. Data-usage roll-up: N devices with a SIM and a cycle of use, ten groups with two group plans
//    and every tenth SIM on a plan of its own; the time of the whole usage report (query, plan
//    resolution, totals per carrier and group) and of its CSV.
// 2. Geo filters: N devices with a fix spread over central Europe; the device list route's query
//    (50 rows by name) under `location within 10 km of (…)` and `location in bbox(…)`, p50 and p99
//    over varying places. PostgreSQL runs in a throw-away cluster (storage/test-postgres.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { hubMigrations } from '../packages/hub/src/domains/hub-modules.js';
import { openPostgres, openSqlite, type Db } from '../packages/hub/src/storage/database.js';
import { startTestPostgres, type TestPostgresCluster } from '../packages/hub/src/storage/test-postgres.js';
import { createManualClock } from '../packages/hub/src/platform/manual-clock.js';
import { createDevicesStore } from '../packages/hub/src/domains/devices/devices.store.js';
import { createDeviceSelector, type DeviceScope } from '../packages/hub/src/domains/devices/index.js';
import { createGroupsStore } from '../packages/hub/src/domains/groups/groups.store.js';
import { createCellularReports } from '../packages/hub/src/domains/cellular/cellular-reports.js';
import { createCellularHistoryStore } from '../packages/hub/src/domains/cellular/cellular-history.store.js';
import { createCellularStore } from '../packages/hub/src/domains/cellular/cellular.store.js';
import { createUsageReportStore } from '../packages/hub/src/domains/cellular/usage-report.store.js';
import { usageReportCsv } from '../packages/hub/src/domains/cellular/usage-report.render.js';
import { emitRows, percentile, writeResults, type Row } from './support.js';

const args = process.argv.slice(2);
const value = (flag: string) => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};
const SIMS = Number(value('--sims') ?? 100_000);
const GEO = (value('--geo') ?? '100000,1000000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const ENGINES = (value('--engines') ?? 'sqlite,postgres').split(',');
const QUERIES = Number(value('--queries') ?? 40);
const log = (m: string) => console.error(`[cellular] ${m}`);
const NOW = Date.parse('2026-12-20T12:00:00Z');
const everyone = { unrestricted: true, groups: [], where: null, narrow: (f: unknown) => f } as unknown as DeviceScope;

type Engine = 'sqlite' | 'postgres';

/** Rows 0..n-1 as a SQL row source: SQLite's recursive CTE or PostgreSQL's generate_series. */
function series(engine: Engine, n: number) {
  return engine === 'postgres'
    ? sql`SELECT g.i::bigint AS i FROM generate_series(0, ${sql.lit(n - 1)}) AS g(i)`
    : sql`WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < ${sql.lit(n - 1)}) SELECT i FROM s`;
}
const pad = (engine: Engine, col: string) =>
  engine === 'postgres' ? sql.raw(`lpad(${col}::text, 7, '0')`) : sql.raw(`substr('0000000' || ${col}, -7, 7)`);

async function seed(db: Db, engine: Engine, n: number, withUsage: boolean) {
  const t0 = performance.now();
  const id = pad(engine, 'i');
  const at = new Date(NOW).toISOString();
  // Bulk: one INSERT … SELECT per table, the rows made inside the database.
  await sql`INSERT INTO devices (id, name, enrolled_at) SELECT 'dev-' || ${id}, 'site ' || ${id}, ${at} FROM (${series(engine, n)}) AS r`.execute(
    db,
  );
  const lat = sql.raw('(45 + ((i * 7919) % 10000) / 1000.0)');
  const lon = sql.raw('(5 + ((i * 104729) % 15000) / 1000.0)');
  await sql`INSERT INTO device_cellular (device_id, updated_at, carrier, mcc, mnc, iccid, roaming, lat, lon, modems_json)
    SELECT 'dev-' || ${id}, ${at}, CASE i % 3 WHEN 0 THEN 'Telekom.de' WHEN 1 THEN 'Vodafone.de' ELSE 'O2' END, '262', '01',
           '8949020000' || ${id} || '0000', 0, ${lat}, ${lon}, '[]'
    FROM (${series(engine, n)}) AS r`.execute(db);
  for (let g = 0; g < 10; g++)
    await db
      .insertInto('groups')
      .values({ id: `grp-${g}`, kind: 'static', path: `region-${g}`, filter: null, description: '', created_at: at })
      .execute();
  await sql`INSERT INTO group_members (group_id, device_id) SELECT 'grp-' || (i % 10), 'dev-' || ${id} FROM (${series(engine, n)}) AS r`.execute(
    db,
  );
  if (withUsage) {
    await sql`INSERT INTO cellular_usage (iccid, cycle_start, device_id, rx_bytes, tx_bytes, updated_at, overage_alerted_at)
      SELECT '8949020000' || ${id} || '0000', '2026-12-01', 'dev-' || ${id}, (i * 7919) % 3000000000, (i * 104729) % 500000000, ${at}, NULL
      FROM (${series(engine, n)}) AS r`.execute(db);
    await sql`INSERT INTO cellular_plans (iccid, limit_bytes, cycle_start_day, updated_at)
      SELECT '8949020000' || ${id} || '0000', 5000000000, 1, ${at} FROM (${series(engine, n)}) AS r WHERE i % 10 = 0`.execute(
      db,
    );
    const history = createCellularHistoryStore(db);
    await history.setGroupPlan({ group: 'region-1', limitBytes: 2_000_000_000, cycleStartDay: 1 }, at);
    await history.setGroupPlan({ group: 'region-2', limitBytes: 1_000_000_000, cycleStartDay: 1 }, at);
  }
  await sql`ANALYZE`.execute(db);
  return (performance.now() - t0) / 1000;
}

async function opened(engine: Engine, name: string, cluster: () => Promise<TestPostgresCluster>) {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), `outpost-bench-cell-${name}-`));
    const db = await openSqlite(dir, hubMigrations());
    return { db, close: async () => (await db.destroy(), rmSync(dir, { recursive: true, force: true })) };
  }
  const c = await cluster();
  const db = await openPostgres(await c.createDatabase(name), hubMigrations());
  return { db, close: async () => (await db.destroy(), await c.dropDatabase(name)) };
}

const rows: Row[] = [];
const pg: { cluster: TestPostgresCluster | null } = { cluster: null };
const cluster = async () => (pg.cluster ??= await startTestPostgres());
try {
  for (const engine of ENGINES as Engine[]) {
    if (SIMS > 0) {
      const { db, close } = await opened(engine, `usage_${SIMS}`, cluster);
      try {
        log(`${engine}: seeding ${SIMS} devices with a SIM and a cycle of use`);
        const seeded = await seed(db, engine, SIMS, true);
        rows.push({ scenario: `cellular usage ${engine}`, metric: `seed ${SIMS} SIMs`, value: seeded, unit: 's' });
        const reports = createCellularReports({
          history: createCellularHistoryStore(db),
          store: createCellularStore(db),
          reports: createUsageReportStore(db),
          clock: createManualClock(NOW),
        });
        const times: number[] = [];
        let csvS = 0;
        let lines = 0;
        for (let k = 0; k < 3; k++) {
          const t0 = performance.now();
          const r = await reports.usage(everyone, {});
          times.push((performance.now() - t0) / 1000);
          const t1 = performance.now();
          usageReportCsv(r);
          csvS = (performance.now() - t1) / 1000;
          lines = r.lines.length;
        }
        if (lines !== SIMS) throw new Error(`the report holds ${lines} SIMs, not ${SIMS}`);
        times.sort((a, b) => a - b);
        rows.push({
          scenario: `cellular usage ${engine}`,
          metric: `usage report, ${SIMS} SIMs (median of 3)`,
          value: times[1],
          unit: 's',
        });
        rows.push({ scenario: `cellular usage ${engine}`, metric: `CSV of ${SIMS} SIMs`, value: csvS, unit: 's' });
        log(`${engine}: usage report ${times.map((x) => x.toFixed(2)).join(' / ')} s, CSV ${csvS.toFixed(2)} s`);
      } finally {
        await close();
      }
    }
    for (const n of GEO) {
      const { db, close } = await opened(engine, `geo_${n}`, cluster);
      try {
        log(`${engine}: seeding ${n} devices with a fix`);
        const seeded = await seed(db, engine, n, false);
        rows.push({ scenario: `cellular geo ${engine}`, metric: `seed ${n} devices`, value: seeded, unit: 's' });
        const clock = createManualClock(NOW);
        const selector = createDeviceSelector({ groups: createGroupsStore(db), clock });
        const devices = createDevicesStore(db);
        const filters = {
          radius: (k: number) =>
            `location within 10 km of (${(46 + ((k * 0.23) % 8)).toFixed(3)}, ${(6 + ((k * 0.37) % 13)).toFixed(3)})`,
          bbox: (k: number) => {
            const s = 46 + ((k * 0.23) % 8);
            const w = 6 + ((k * 0.37) % 13);
            return `location in bbox(${s.toFixed(3)}, ${w.toFixed(3)}, ${(s + 0.2).toFixed(3)}, ${(w + 0.3).toFixed(3)})`;
          },
        };
        for (const [kind, f] of Object.entries(filters)) {
          const times: number[] = [];
          let found = 0;
          for (let k = 0; k < QUERIES + 3; k++) {
            const t0 = performance.now();
            const where = await selector.where(f(k));
            const page = await devices.list({
              where,
              sort: 'name',
              order: 'asc',
              limit: 50,
              cursor: null,
              withTotal: false,
            });
            if (k >= 3) times.push(performance.now() - t0); // three warm-up queries
            found += page.items.length;
          }
          times.sort((a, b) => a - b);
          const tag = kind === 'radius' ? 'within 10 km' : 'in bbox 0.2°×0.3°';
          rows.push({
            scenario: `cellular geo ${engine}`,
            metric: `${tag}, ${n} devices, p50`,
            value: percentile(times, 50),
            unit: 'ms',
          });
          rows.push({
            scenario: `cellular geo ${engine}`,
            metric: `${tag}, ${n} devices, p99`,
            value: percentile(times, 99),
            unit: 'ms',
          });
          log(
            `${engine} ${n} ${kind}: p50 ${percentile(times, 50).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms, ${(found / (QUERIES + 3)).toFixed(1)} rows per page`,
          );
        }
      } finally {
        await close();
      }
    }
  }
} finally {
  await pg.cluster?.stop();
}
emitRows(rows);
writeResults('cellular', rows, { sims: SIMS, geo: GEO, engines: ENGINES, queries: QUERIES });
