import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_LAT,
  boundsOf,
  fitView,
  metersPerPixel,
  panBy,
  project,
  toScreen,
  toWorld,
  unproject,
  viewAt,
  zoomAround,
} from '../src/pages/map/projection.js';
import { tileUrl, visibleTiles } from '../src/pages/map/tiles.js';
import { buildClusterIndex, deviceCount } from '../src/pages/map/cluster-index.js';
import { compact, hitAt } from '../src/pages/map/hit-test.js';
import { formatPlace, parsePlace } from '../src/pages/map/map-colors.js';
import { shapeOfFence } from '../src/pages/map/fence-shapes.js';

const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) <= eps, `${a} ≉ ${b}`);

describe('Web Mercator projection', () => {
  it('maps the corners and the centre of the world', () => {
    assert.deepEqual(project(0, 0), [0.5, 0.5]);
    const [x0, y0] = project(MAX_LAT, -180);
    close(x0, 0);
    close(y0, 0);
    const [x1, y1] = project(-MAX_LAT, 180);
    close(x1, 1);
    close(y1, 1);
    // Beyond the square world, latitudes clamp instead of running to infinity.
    assert.deepEqual(project(90, 0), project(MAX_LAT, 0));
  });

  it('round-trips places', () => {
    for (const [lat, lon] of [
      [52.52, 13.4],
      [-33.92, 18.42],
      [64.1, -21.9],
      [-54.8, -68.3],
    ]) {
      const [la, lo] = unproject(...project(lat, lon));
      close(la, lat, 1e-9);
      close(lo, lon, 1e-9);
    }
  });

  it('puts the centre of the view in the middle of the screen and back', () => {
    const v = viewAt(48.1, 11.6, 7.5, 800, 600);
    const [sx, sy] = toScreen(v, ...project(48.1, 11.6));
    close(sx, 400);
    close(sy, 300);
    const [x, y] = toWorld(v, 123, 456);
    const [bx, by] = toScreen(v, x, y);
    close(bx, 123, 1e-6);
    close(by, 456, 1e-6);
  });

  it('zooms around the pointer: the place under it stays put', () => {
    const v = viewAt(45, 7, 5, 1000, 700);
    const before = toWorld(v, 250, 600);
    const z = zoomAround(v, 250, 600, 8.25);
    assert.equal(z.zoom, 8.25);
    const after = toWorld(z, 250, 600);
    close(after[0], before[0], 1e-12);
    close(after[1], before[1], 1e-12);
    assert.equal(zoomAround(v, 0, 0, 40).zoom, 18, 'zoom is clamped');
  });

  it('pans by screen pixels and keeps the centre on the world', () => {
    const v = viewAt(0, 0, 2, 512, 512);
    const p = panBy(v, -256, 0);
    close(p.cx, v.cx + 256 / 1024);
    assert.equal(panBy(v, 1e6, 0).cx, 0);
  });

  it('gives the view bounds and ground resolution', () => {
    const b = boundsOf(viewAt(0, 0, 1, 512, 512));
    close(b.west, -180, 1e-9);
    close(b.east, 180, 1e-9);
    close(b.north, MAX_LAT, 1e-6);
    // 156,543 m per pixel at the equator at zoom 0 (the XYZ convention).
    close(metersPerPixel(0, 0), 156_543.03392804097, 1e-6);
    close(metersPerPixel(60, 3), 156_543.03392804097 / 16, 1e-6);
  });

  it('fits a set of points inside the padded view', () => {
    const pts: Array<[number, number]> = [
      [47, 5],
      [55, 15],
    ];
    const v = fitView(pts, 800, 600, 40);
    for (const [lat, lon] of pts) {
      const [sx, sy] = toScreen(v, ...project(lat, lon));
      assert.ok(sx >= 40 - 1e-6 && sx <= 760 + 1e-6 && sy >= 40 - 1e-6 && sy <= 560 + 1e-6, `${sx},${sy}`);
    }
  });
});

describe('XYZ tiles', () => {
  it('covers the view with tiles of the integer zoom, wrapping x', () => {
    const v = viewAt(0, 0, 1, 512, 512);
    const tiles = visibleTiles(v);
    assert.deepEqual(tiles.map((t) => `${t.z}/${t.x}/${t.y}`).sort(), ['1/0/0', '1/0/1', '1/1/0', '1/1/1']);
    assert.ok(tiles.every((t) => t.size === 256));
    // A fractional zoom draws the lower level's tiles scaled up.
    assert.ok(visibleTiles(viewAt(0, 0, 1.5, 512, 512)).every((t) => Math.abs(t.size - 256 * Math.SQRT2) < 1e-9));
    // At zoom 0 on a wide screen the single tile repeats sideways.
    const wide = visibleTiles(viewAt(0, 0, 0, 1024, 256));
    assert.ok(wide.length >= 4 && wide.every((t) => t.x === 0 && t.y === 0));
  });

  it('fills a template', () => {
    assert.equal(tileUrl('https://t.example/{z}/{x}/{y}.png', { z: 3, x: 5, y: 2 }), 'https://t.example/3/5/2.png');
  });
});

describe('cluster index', () => {
  // 1,000 devices around Munich, one in Cape Town.
  const lat = [-33.92];
  const lon = [18.42];
  for (let i = 0; i < 1000; i++) {
    lat.push(48 + (i % 40) * 0.01);
    lon.push(11 + Math.floor(i / 40) * 0.01);
  }
  const index = buildClusterIndex({ lat, lon });
  const world = { west: -180, south: -85, east: 180, north: 85 };

  it('stands for every device at every zoom over the whole world', () => {
    for (const z of [0, 2, 5, 9, 14, 17]) assert.equal(deviceCount(index.itemsIn(world, z)), 1001, `zoom ${z}`);
    const low = index.itemsIn(world, 1);
    assert.ok(low.length <= 3, 'a thousand close devices are one bubble zoomed out');
    assert.ok(
      low.some((it) => it.kind === 'device' && it.index === 0),
      'the lonely device is drawn alone',
    );
  });

  it('splits a bubble at its expansion zoom and shows single devices zoomed in', () => {
    const bubble = index.itemsIn(world, 4).find((it) => it.kind === 'cluster');
    assert.ok(bubble && bubble.kind === 'cluster' && bubble.count === 1000);
    const z = index.expansionZoom(bubble.clusterId);
    assert.ok(index.itemsIn(world, z).filter((it) => it.lat > 0).length > 1);
    assert.ok(index.itemsIn(world, 17).every((it) => it.kind === 'device'));
  });

  it('keeps only what lies inside the bounds', () => {
    const cape = index.itemsIn({ west: 17, south: -35, east: 20, north: -33 }, 10);
    assert.deepEqual(cape, [{ kind: 'device', index: 0, lat: -33.92, lon: 18.42 }]);
  });
});

describe('drawn items', () => {
  it('finds the device under a click before the bubble it overlaps', () => {
    const hits = [
      { item: { kind: 'cluster' as const, clusterId: 1, count: 5, lat: 0, lon: 0 }, sx: 100, sy: 100, r: 20 },
      { item: { kind: 'device' as const, index: 7, lat: 0, lon: 0 }, sx: 110, sy: 100, r: 8 },
    ];
    assert.equal(hitAt(hits, 108, 101)?.item.kind, 'device');
    assert.equal(hitAt(hits, 92, 100)?.item.kind, 'cluster');
    assert.equal(hitAt(hits, 300, 300), undefined);
  });

  it('writes counts short', () => {
    assert.deepEqual([7, 1234, 9999, 100_000, 2_500_000].map(compact), ['7', '1.2k', '10k', '100k', '2.5M']);
  });

  it('reads and writes the view in the address bar', () => {
    assert.deepEqual(parsePlace('-33.92,18.42,8'), { lat: -33.92, lon: 18.42, zoom: 8 });
    for (const bad of [null, '', '1,2', '91,0,3', '0,181,3', '0,0,19', 'a,b,c']) assert.equal(parsePlace(bad), null);
    assert.equal(formatPlace({ lat: 1.234567, lon: -2, zoom: 3.5 }), '1.23457,-2.00000,3.50');
  });
});

describe('geofences on the map', () => {
  const base = { id: 'gf_1', group: 'north', deviceId: null, createdBy: 'admin', createdAt: '', updatedAt: '' };
  it('draws a circle fence at its centre with its radius, and a polygon fence by its ring, named', () => {
    assert.deepEqual(
      shapeOfFence({
        ...base,
        name: 'depot',
        shape: { kind: 'circle', center: { lat: 52.5, lon: 13.4 }, radiusM: 500 },
      }),
      { kind: 'circle', lat: 52.5, lon: 13.4, radiusM: 500, label: 'depot' },
    );
    const ring: Array<[number, number]> = [
      [1, 2],
      [1, 3],
      [2, 3],
      [1, 2],
    ];
    assert.deepEqual(shapeOfFence({ ...base, name: 'yard', shape: { kind: 'polygon', ring } }), {
      kind: 'polygon',
      points: ring,
      label: 'yard',
    });
  });
});
