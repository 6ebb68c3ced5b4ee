import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { deviceRow, matchingIds, openTestDb, type TestDb } from './filter-db.fixture.js';
import { inArea } from './filter-geo.js';
import { parseFilter } from './filter-parser.js';
import type { GeoArea } from './filter.types.js';

const NOW = new Date('2026-12-01T00:00:00Z');
const N = 10_000;

/** mulberry32: the same fleet on every run. */
function seeded(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Clusters where the areas below look (Berlin, the Bering Strait across the antimeridian, the
// North Pole, Quito on the equator) and devices spread over the globe; some without a fix.
const CLUSTERS = [
  [52.52, 13.4, 0.5],
  [65.8, 179.6, 3],
  [89.5, 0, 1.5],
  [-0.18, -78.47, 1],
] as const;

async function seedFleet(): Promise<{ db: TestDb; points: Map<string, [number, number]> }> {
  const db = openTestDb();
  const rnd = seeded(20261207);
  const points = new Map<string, [number, number]>();
  const devices = [];
  const cells = [];
  for (let i = 0; i < N; i++) {
    const id = `d${String(i).padStart(5, '0')}`;
    devices.push(deviceRow({ id }, NOW));
    if (i % 17 === 0) continue;
    let lat: number;
    let lon: number;
    if (i % 2 === 0) {
      const [cLat, cLon, spread] = CLUSTERS[(i / 2) % CLUSTERS.length];
      lat = Math.max(-90, Math.min(90, cLat + (rnd() - 0.5) * 2 * spread));
      lon = cLon + (rnd() - 0.5) * 2 * spread;
      lon = lon > 180 ? lon - 360 : lon < -180 ? lon + 360 : lon;
    } else {
      lat = Math.asin(2 * rnd() - 1) * (180 / Math.PI);
      lon = rnd() * 360 - 180;
    }
    points.set(id, [lat, lon]);
    cells.push({ device_id: id, carrier: null, iccid: null, imei: null, rat: null, rsrp: null, roaming: 0, lat, lon });
  }
  for (let i = 0; i < devices.length; i += 500)
    await db
      .insertInto('devices')
      .values(devices.slice(i, i + 500))
      .execute();
  for (let i = 0; i < cells.length; i += 500)
    await db
      .insertInto('device_cellular')
      .values(cells.slice(i, i + 500))
      .execute();
  return { db, points };
}

function reference(points: Map<string, [number, number]>, area: GeoArea): string[] {
  return [...points]
    .filter(([, [lat, lon]]) => inArea(area, lat, lon))
    .map(([id]) => id)
    .sort();
}

const CASES = [
  'location within 10 km of (52.52, 13.40)',
  'location within 35km of (52.52, 13.40)',
  'location within 400 km of (65.8, 179.6)',
  'location within 120 mi of (65.8, -179.9)',
  'location within 300 km of (89.5, 0)',
  'location within 90 km of (-0.18, -78.47)',
  'location within 5000 km of (10, 100)',
  'location within 20000 km of (0, 0)',
  'location in bbox(52.3, 13.0, 52.7, 13.8)',
  'location in bbox(60, 175, 70, -175)',
  'location in bbox(-90, -180, 90, 180)',
];

describe('geographic filters on 10,000 devices', () => {
  it('select exactly the devices a reference haversine computation selects', async () => {
    const { db, points } = await seedFleet();
    for (const text of CASES) {
      const parsed = parseFilter(text);
      assert.ok(parsed.ok && parsed.ast.kind === 'geo', `${text} parses to a geographic area`);
      const expected = reference(points, parsed.ast.area);
      const got = await matchingIds(db, text, NOW);
      // Differences listed, not diffed: a diff of two 10,000-id lists takes minutes.
      const want = new Set(expected);
      const extra = got.filter((id) => !want.has(id)).map((id) => [id, points.get(id)]);
      const have = new Set(got);
      const missing = expected.filter((id) => !have.has(id)).map((id) => [id, points.get(id)]);
      assert.deepEqual({ extra: extra.slice(0, 5), missing: missing.slice(0, 5) }, { extra: [], missing: [] }, text);
      assert.ok(text.includes('20000') || text.includes('-90, -180') || got.length < points.size, text);
    }
    // The areas are not trivially empty: the cluster checks catch something.
    // (Every assert carries a message: without one, node:test reads the source to describe it, for minutes.)
    const counts = await Promise.all([0, 3, 4].map(async (i) => (await matchingIds(db, CASES[i], NOW)).length));
    assert.ok(counts[0] > 20 && counts[1] > 50 && counts[2] > 100, `Berlin, antimeridian, pole: ${counts.join(', ')}`);
  });

  it('combines with the rest of the language and negates to the complement, devices without a fix included', async () => {
    const { db, points } = await seedFleet();
    const inside = await matchingIds(db, 'location within 35 km of (52.52, 13.40)', NOW);
    const outside = await matchingIds(db, 'not location within 35 km of (52.52, 13.40)', NOW);
    assert.equal(inside.length + outside.length, N);
    assert.ok(outside.includes('d00000'), 'a device without a fix is outside every area');
    assert.equal(points.has('d00000'), false);
  });

  it('narrows by the (lat, lon) index before the exact test', async () => {
    const { db } = await seedFleet();
    const plan = await sql<{ detail: string }>`EXPLAIN QUERY PLAN SELECT c.device_id FROM device_cellular c
      WHERE c.lat BETWEEN 52.2 AND 52.8 AND c.lon BETWEEN 13 AND 14`.execute(db);
    assert.ok(
      plan.rows.some((r) => r.detail.includes('device_cellular_lat_lon')),
      JSON.stringify(plan.rows),
    );
  });

  it('refuses malformed areas with the position of the mistake', () => {
    const bad: Array<[string, string]> = [
      ['location within 10 parsecs of (1, 2)', 'expected a unit (m, km or mi) at position 19'],
      ['location within 10 km of (91, 2)', 'a latitude must be between -90 and 90, not 91 at position 26'],
      ['location within 10 km of (1, 2', 'expected ")" at position 30'],
      ['location within 0 km of (1, 2)', 'a distance must be above 0 and at most 20000 km at position 16'],
      ['location within 30000 km of (1, 2)', 'a distance must be above 0 and at most 20000 km at position 16'],
      ['location in bbox(10, 0, 5, 1)', 'a box needs south <= north at position 17'],
      ['location in bbox(1, 2, 3)', 'expected "," at position 24'],
    ];
    for (const [text, message] of bad) {
      const r = parseFilter(text);
      assert.equal(r.ok, false, text);
      if (!r.ok) assert.deepEqual([r.error.code, r.error.message], ['filter_syntax', message], text);
    }
  });
});
