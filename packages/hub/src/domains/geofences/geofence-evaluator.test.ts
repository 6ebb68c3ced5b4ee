import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createGeofenceEvaluator, crossingSeq, type GeofenceDeviceEvent } from './geofence-evaluator.js';
import type { SideRow } from './geofences.store.js';
import { prepareShape } from './geometry.js';

const M_PER_DEG_LAT = 111_195;
const CENTER = { lat: 52.52, lon: 13.4 };
const depot = {
  id: 'gfn_0001aaaa',
  name: 'depot',
  shape: prepareShape({ kind: 'circle', center: CENTER, radiusM: 500 }),
};

/** An in-memory side table and event list, the evaluator's only ports. */
function harness(fences = [depot]) {
  const sides = new Map<string, SideRow>();
  const events: Array<{ deviceId: string; e: GeofenceDeviceEvent }> = [];
  const ev = createGeofenceEvaluator({
    fencesFor: async () => fences,
    sidesOf: async (deviceId) =>
      new Map([...sides.values()].filter((s) => s.deviceId === deviceId).map((s) => [s.fenceId, { ...s }])),
    putSides: async (rows) => rows.forEach((r) => sides.set(`${r.fenceId}|${r.deviceId}`, { ...r })),
    recordEvent: async (deviceId, e) => void events.push({ deviceId, e }),
  });
  let n = 0;
  // A fix `m` metres north of the border (negative: south, i.e. inside), one second after the last.
  const at = (m: number, accuracyM: number | null = 5) => {
    n++;
    const fixAt = new Date(Date.UTC(2026, 11, 7, 12, 0, n)).toISOString();
    return ev.onLocation({
      deviceId: 'truck-1',
      lat: CENTER.lat + (500 + m) / M_PER_DEG_LAT,
      lon: CENTER.lon,
      accuracyM,
      fixAt,
      at: fixAt,
    });
  };
  return { ev, sides, events, at };
}

describe('geofence evaluator', () => {
  it('the first fix records the side without an event; a crossing is one event; jitter at the border is none', async () => {
    const h = harness();
    assert.deepEqual(await h.at(300), []);
    assert.equal(h.sides.get('gfn_0001aaaa|truck-1')?.side, 'outside');
    assert.equal(h.sides.get('gfn_0001aaaa|truck-1')?.crossed, false);
    // Jitter ±20 m around the border: within the 25 m band, never a crossing.
    for (const m of [20, -20, 10, -15, 5, -24, 24]) assert.deepEqual(await h.at(m), []);
    const enter = await h.at(-100);
    assert.deepEqual(
      enter.map((c) => c.kind),
      ['enter'],
    );
    for (const m of [-20, 20, -5, 24, -24]) assert.deepEqual(await h.at(m), []);
    const leave = await h.at(60);
    assert.deepEqual(
      leave.map((c) => c.kind),
      ['leave'],
    );
    assert.deepEqual(
      h.events.map((x) => [x.e.type, x.e.data.fence]),
      [
        ['geofence.enter', 'depot'],
        ['geofence.leave', 'depot'],
      ],
    );
    const row = h.sides.get('gfn_0001aaaa|truck-1')!;
    assert.equal(row.side, 'outside');
    assert.equal(row.crossed, true);
  });

  it('a fix must clear its own accuracy when that is worse than 25 m', async () => {
    const h = harness();
    await h.at(200);
    assert.deepEqual(await h.at(-40, 80), [], '40 m inside with an 80 m accuracy is not proof');
    assert.deepEqual(
      (await h.at(-90, 80)).map((c) => c.kind),
      ['enter'],
    );
  });

  it('ignores a fix older than the one that decided the side (a late or repeated report)', async () => {
    const h = harness();
    await h.at(200);
    const fixAt = new Date(Date.UTC(2026, 11, 7, 11, 0, 0)).toISOString();
    const late = await h.ev.onLocation({ deviceId: 'truck-1', ...CENTER, accuracyM: 5, fixAt, at: fixAt });
    assert.deepEqual(late, []);
    assert.equal(h.sides.get('gfn_0001aaaa|truck-1')?.side, 'outside');
  });

  it('gives every crossing of one fix its own seq, below the device and streams seqs', async () => {
    const other = { ...depot, id: 'gfn_0002bbbb', name: 'yard' };
    const h = harness([depot, other]);
    await h.at(300);
    const both = await h.at(-200);
    assert.equal(both.length, 2);
    const seqs = h.events.map((x) => x.e.seq);
    assert.equal(new Set(seqs).size, 2);
    assert.ok(seqs.every((s) => s < -(2 ** 52) && Number.isSafeInteger(s)));
    assert.ok(crossingSeq(Date.parse('2100-01-01T00:00:00Z'), 1023) >= Number.MIN_SAFE_INTEGER);
  });

  it('does nothing for a device no fence applies to', async () => {
    const h = harness([]);
    assert.deepEqual(await h.at(-300), []);
    assert.equal(h.sides.size, 0);
  });
});
