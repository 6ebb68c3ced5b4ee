import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCircle, parsePolygon } from './geofences.commands.js';

describe('outpost geofences create shapes', () => {
  it('reads a circle as LAT,LON,RADIUS_M', () => {
    assert.deepEqual(parseCircle('52.52, 13.40,500'), {
      kind: 'circle',
      center: { lat: 52.52, lon: 13.4 },
      radiusM: 500,
    });
    assert.throws(() => parseCircle('52.52,13.40'), /--circle takes LAT,LON,RADIUS_M/);
    assert.throws(() => parseCircle('52.52,east,500'), /longitude must be a number, not "east"/);
  });

  it('reads a polygon as "lat lon" pairs and closes the ring when the last point does not repeat the first', () => {
    assert.deepEqual(parsePolygon('1 2, 1 3,2 3'), {
      kind: 'polygon',
      ring: [
        [1, 2],
        [1, 3],
        [2, 3],
        [1, 2],
      ],
    });
    const closed = parsePolygon('1 2, 1 3, 2 3, 1 2');
    assert.equal(closed.kind === 'polygon' && closed.ring.length, 4);
    assert.throws(() => parsePolygon('1 2, 1;3, 2 3'), /point 2 is "1;3"/);
  });
});
