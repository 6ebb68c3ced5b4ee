import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { GeofenceShape } from '@outpost/protocol';
import { haversineM, hysteresisM, nextSide, prepareShape, signedDistanceM, type LatLon } from './geometry.js';

const M_PER_DEG_LAT = 111_195; // metres per degree of latitude on the filter's Earth radius
const poly = (ring: Array<[number, number]>): GeofenceShape => ({ kind: 'polygon', ring });
const measure = (s: GeofenceShape, p: LatLon) => signedDistanceM(prepareShape(s), p);
// A square of about 1.1 km around the centre of Berlin.
const square = poly([
  [52.51, 13.39],
  [52.51, 13.41],
  [52.52, 13.41],
  [52.52, 13.39],
  [52.51, 13.39],
]);

describe('geofence geometry', () => {
  it('haversine agrees with a known distance (Berlin–Munich ≈ 504 km)', () => {
    const d = haversineM({ lat: 52.52, lon: 13.405 }, { lat: 48.1372, lon: 11.5755 });
    assert.ok(Math.abs(d - 504_000) < 3000, String(d));
  });

  it('circle: positive inside by the distance to the border, negative outside', () => {
    const c: GeofenceShape = { kind: 'circle', center: { lat: 52.52, lon: 13.4 }, radiusM: 1000 };
    assert.ok(Math.abs(measure(c, { lat: 52.52, lon: 13.4 }) - 1000) < 1e-6);
    const north900 = { lat: 52.52 + 900 / M_PER_DEG_LAT, lon: 13.4 };
    assert.ok(Math.abs(measure(c, north900) - 100) < 1, String(measure(c, north900)));
    const north1100 = { lat: 52.52 + 1100 / M_PER_DEG_LAT, lon: 13.4 };
    assert.ok(Math.abs(measure(c, north1100) + 100) < 1, String(measure(c, north1100)));
  });

  it('circle across the antimeridian: a point at 179.99°E is inside one centred at 179.99°W', () => {
    const c: GeofenceShape = { kind: 'circle', center: { lat: -17, lon: -179.99 }, radiusM: 5000 };
    assert.ok(measure(c, { lat: -17, lon: 179.99 }) > 2000);
    assert.ok(measure(c, { lat: -17, lon: 179.9 }) < 0);
  });

  it('polygon: inside, outside, and the distance to the nearest edge in metres', () => {
    assert.ok(measure(square, { lat: 52.515, lon: 13.4 }) > 500);
    assert.ok(measure(square, { lat: 52.53, lon: 13.4 }) < 0);
    // 50 m south of the southern edge, and 50 m north of it.
    const south = measure(square, { lat: 52.51 - 50 / M_PER_DEG_LAT, lon: 13.4 });
    const north = measure(square, { lat: 52.51 + 50 / M_PER_DEG_LAT, lon: 13.4 });
    assert.ok(Math.abs(south + 50) < 0.5, String(south));
    assert.ok(Math.abs(north - 50) < 0.5, String(north));
    // East–west distances shrink with cos(latitude): 0.001° of longitude at 52.515° is about 67.7 m.
    const east = measure(square, { lat: 52.515, lon: 13.411 });
    assert.ok(Math.abs(east + 67.7) < 0.5, String(east));
  });

  it('polygon: a concave ring keeps its notch outside', () => {
    const u = poly([
      [0, 0],
      [0, 3],
      [3, 3],
      [3, 2],
      [1, 2],
      [1, 1],
      [3, 1],
      [3, 0],
      [0, 0],
    ]);
    assert.ok(measure(u, { lat: 2, lon: 1.5 }) < 0, 'the notch');
    assert.ok(measure(u, { lat: 0.5, lon: 1.5 }) > 0, 'the base');
  });

  it('polygon across the antimeridian: points on both sides of 180° are inside, the far side of the Earth is not', () => {
    const fiji = poly([
      [-16, 179.5],
      [-16, -179.5],
      [-17, -179.5],
      [-17, 179.5],
      [-16, 179.5],
    ]);
    assert.ok(measure(fiji, { lat: -16.5, lon: 179.9 }) > 0);
    assert.ok(measure(fiji, { lat: -16.5, lon: -179.9 }) > 0);
    assert.ok(measure(fiji, { lat: -16.5, lon: 0 }) < 0);
    assert.ok(measure(fiji, { lat: -16.5, lon: 179 }) < 0);
    // The border at 179.5°E lies 0.1° of longitude from 179.6°E.
    const d = measure(fiji, { lat: -16.5, lon: 179.6 });
    assert.ok(Math.abs(d - 0.1 * 111_195 * Math.cos((16.5 * Math.PI) / 180)) < 5, String(d));
  });

  it('refuses an open ring, a ring around a pole, a too-wide ring, too few vertices and no area, naming the path', () => {
    const refused = (s: GeofenceShape, message: RegExp) =>
      assert.throws(
        () => prepareShape(s),
        (e: Error & { code?: string; details?: { path?: string } }) =>
          e.code === 'validation_failed' &&
          message.test(e.message) &&
          e.details?.path?.startsWith('/shape/ring') === true,
      );
    refused(
      poly([
        [0, 0],
        [0, 1],
        [1, 1],
        [1, 0],
      ]),
      /must be closed/,
    );
    refused(
      poly([
        [80, 0],
        [80, 120],
        [80, -120],
        [80, 0],
      ]),
      /around a pole/,
    );
    refused(
      poly([
        [0, -100],
        [0, 0],
        [0, 100],
        [10, 100],
        [10, 0],
        [10, -100],
        [0, -100],
      ]),
      /180° of longitude/,
    );
    refused(
      poly([
        [0, 0],
        [0, 1],
        [0, 0],
        [0, 0],
      ]),
      /area/,
    );
  });

  it('hysteresis: a known side changes only past max(accuracy, 25 m) across the border; the first fix decides plainly', () => {
    assert.equal(hysteresisM(null), 25);
    assert.equal(hysteresisM(8), 25);
    assert.equal(hysteresisM(60), 60);
    assert.equal(nextSide(null, 3, 25), 'inside');
    assert.equal(nextSide(null, -3, 25), 'outside');
    // Jitter within the band keeps the side, whichever it is.
    for (const m of [-24, -10, 0, 10, 24]) {
      assert.equal(nextSide('outside', m, 25), 'outside');
      assert.equal(nextSide('inside', m, 25), 'inside');
    }
    assert.equal(nextSide('outside', 26, 25), 'inside');
    assert.equal(nextSide('inside', -26, 25), 'outside');
    assert.equal(nextSide('outside', 40, 60), 'outside', 'a poor fix must clear its own accuracy');
  });
});
