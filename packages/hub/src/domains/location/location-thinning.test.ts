import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { distanceM, skipReason, utcDayOf } from './location-thinning.js';

const p = (at: string, lat: number, lon: number) => ({ at, lat, lon, accuracyM: null });

describe('which fixes become history points', () => {
  it('measures great-circle distances', () => {
    // Berlin to Munich: about 504 km.
    assert.ok(Math.abs(distanceM({ lat: 52.52, lon: 13.405 }, { lat: 48.137, lon: 11.575 }) - 504_000) < 2_000);
    assert.equal(distanceM({ lat: 1, lon: 2 }, { lat: 1, lon: 2 }), 0);
  });

  it('skips repeated, older, and standing fixes; keeps moves and an hourly point of a standing device', () => {
    const last = p('2026-03-02T10:00:00.000Z', 48, 11);
    const table: Array<[ReturnType<typeof p>, ReturnType<typeof skipReason>]> = [
      [p('2026-03-02T10:00:00.000Z', 48.1, 11), 'not_newer'],
      [p('2026-03-02T09:59:00.000Z', 48.1, 11), 'not_newer'],
      [p('2026-03-02T10:01:00.000Z', 48.00005, 11), 'not_moved'],
      [p('2026-03-02T10:01:00.000Z', 48.001, 11), null],
      [p('2026-03-02T11:00:00.000Z', 48, 11), null],
    ];
    assert.equal(skipReason(null, last), null);
    for (const [next, reason] of table) assert.equal(skipReason(last, next), reason, JSON.stringify(next));
  });

  it('finds the UTC day of a time', () => {
    assert.deepEqual(utcDayOf('2026-03-02T23:59:59.999Z'), {
      start: '2026-03-02T00:00:00.000Z',
      end: '2026-03-03T00:00:00.000Z',
    });
  });
});
