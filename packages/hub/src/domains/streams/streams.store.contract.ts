import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../storage/test-database.js';
import { rollupOf } from './rollup.js';
import { createStreamsStore, type BatchWrite } from './streams.store.js';
import type { StreamValue } from './streams.types.js';

const T0 = Date.UTC(2026, 2, 2, 10, 0, 0);

const val = (
  point: string,
  value: StreamValue['value'],
  sourceTs: number,
  over: Partial<StreamValue> = {},
): StreamValue => ({
  deviceId: 'd1',
  point,
  value,
  quality: 'good',
  sourceTs,
  receivedAt: T0 + 3_600_000,
  ...over,
});

const batch = (seq: number, values: StreamValue[], over: Partial<BatchWrite> = {}): BatchWrite => ({
  deviceId: 'd1',
  seq,
  receivedAt: T0 + 3_600_000,
  defs: [],
  values,
  maxPoints: 100,
  ...over,
});

export function streamsStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`streams store contract (${name})`, () => {
    const db = freshDatabaseEachTest(open);

    it('files a batch once per device and seq, and creates a point on its first value', async () => {
      const store = createStreamsStore(db());
      const first = await store.fileBatch(batch(7, [val('tank_level', 42.5, T0), val('pump1.run', true, T0)]));
      assert.equal(first.filed, true);
      assert.deepEqual(await store.fileBatch(batch(7, [val('tank_level', 99, T0 + 1000)])), { filed: false });
      // The same seq of another device is another batch.
      assert.equal(
        (await store.fileBatch(batch(7, [val('x', 1, T0, { deviceId: 'd2' })], { deviceId: 'd2' }))).filed,
        true,
      );
      const points = await store.points('d1');
      assert.deepEqual(
        points.map((p) => [p.point, p.type, p.latest?.value, p.writable, p.writesEnabled]),
        [
          ['pump1.run', 'boolean', true, false, false],
          ['tank_level', 'number', 42.5, false, false],
        ],
      );
      assert.equal(
        (await store.raw({ deviceId: 'd1', point: 'tank_level', from: 0, to: T0 + 1e9, limit: 10 })).length,
        1,
      );
    });

    it('files a group of batches in one transaction exactly as one after another', async () => {
      const store = createStreamsStore(db());
      await store.fileBatch(batch(1, [val('level', 1, T0)]));
      const d2 = { deviceId: 'd2' };
      const out = await store.fileBatches([
        batch(1, [val('level', 9, T0 + 5000)]), // filed before: a duplicate
        batch(2, [val('level', 3, T0 + 60_000)]),
        batch(2, [val('level', 8, T0 + 90_000)]), // the same (device, seq) twice in one group
        batch(1, [val('level', 20, T0 + 30_000, d2)], d2),
        batch(3, [val('level', 2, T0 + 30_000)]), // an older backlog: latest stays at T0 + 60 s
      ]);
      assert.deepEqual(
        out.map((o) => o.filed),
        [false, true, false, true, true],
      );
      assert.equal((await store.point('d1', 'level'))?.latest?.value, 3);
      assert.equal((await store.point('d2', 'level'))?.latest?.value, 20);
      assert.deepEqual(
        (await store.raw({ deviceId: 'd1', point: 'level', from: 0, to: T0 + 1e9, limit: 10 })).map((v) => v.value),
        [1, 2, 3],
      );
      const [minute] = await store.rollups({ deviceId: 'd1', point: 'level', from: T0, to: T0 + 60_000, tier: '1m' });
      assert.deepEqual(minute && [minute.min, minute.max, minute.count, minute.first, minute.last], [1, 2, 2, 1, 2]);
      assert.deepEqual(await store.fileBatches([]), []);
    });

    it('keeps the newest value as latest when an older backlog arrives later', async () => {
      const store = createStreamsStore(db());
      await store.fileBatch(batch(2, [val('level', 10, T0 + 60_000, { quality: 'uncertain', reason: 'timeout' })]));
      await store.fileBatch(batch(1, [val('level', 5, T0)]));
      const p = await store.point('d1', 'level');
      assert.equal(p?.latest?.value, 10);
      assert.equal(p?.latest?.quality, 'uncertain');
      assert.equal(p?.latest?.reason, 'timeout');
      assert.deepEqual(
        (await store.raw({ deviceId: 'd1', point: 'level', from: T0, to: T0 + 120_000, limit: 10 })).map(
          (v) => v.value,
        ),
        [5, 10],
      );
    });

    it('stores strings, nulls of bad quality and booleans as they came', async () => {
      const store = createStreamsStore(db());
      await store.fileBatch(
        batch(1, [
          val('mode', 'auto', T0),
          val('flow', null, T0, { quality: 'bad', reason: 'comm-lost' }),
          val('door', false, T0),
        ]),
      );
      const latest = Object.fromEntries((await store.points('d1')).map((p) => [p.point, p.latest]));
      assert.equal(latest.mode?.value, 'auto');
      assert.equal(latest.flow?.value, null);
      assert.equal(latest.flow?.quality, 'bad');
      assert.equal(latest.door?.value, false);
      // Only the boolean rolls up; the string and the bad null do not.
      const r = await store.rollups({ deviceId: 'd1', point: 'door', from: 0, to: T0 + 1e9, tier: '1m' });
      assert.deepEqual(r, [{ ts: T0, min: 0, max: 0, mean: 0, count: 1, first: 0, last: 0 }]);
      assert.deepEqual(await store.rollups({ deviceId: 'd1', point: 'flow', from: 0, to: T0 + 1e9, tier: '1m' }), []);
    });

    it('merges roll-ups over batches in any order to what the raw values give', async () => {
      const store = createStreamsStore(db());
      const all: StreamValue[] = [];
      // 3 hours of a value every 20 s, filed in 9 batches, out of order.
      for (let i = 0; i < 540; i++)
        all.push(val('level', Math.round(Math.sin(i / 7) * 1000) / 10 + (i % 5), T0 + i * 20_000));
      const parts = Array.from({ length: 9 }, (_, k) => all.filter((_, i) => i % 9 === k));
      for (const k of [4, 0, 8, 2, 6, 1, 3, 7, 5]) await store.fileBatch(batch(k + 1, parts[k]!));
      for (const tier of ['1m', '1h', '1d'] as const) {
        const got = await store.rollups({
          deviceId: 'd1',
          point: 'level',
          from: T0 - 86_400_000,
          to: T0 + 86_400_000,
          tier,
        });
        const want = rollupOf(tier, all);
        assert.equal(got.length, want.length, tier);
        got.forEach((g, i) => {
          const w = want[i]!;
          assert.deepEqual(
            { ...g, mean: Math.round(g.mean * 1e6) },
            { ...w, mean: Math.round(w.mean * 1e6) },
            `${tier} ${i}`,
          );
        });
      }
    });

    it('updates definitions but keeps the hub write switch, which a point no longer writable loses', async () => {
      const store = createStreamsStore(db());
      const def = {
        p: 'valve',
        type: 'boolean' as const,
        unit: 'on',
        writable: true,
        source: 'modbus-tcp 10.0.0.5:502',
      };
      await store.fileBatch(batch(1, [], { defs: [def] }));
      assert.equal(await store.setWritesEnabled('d1', 'valve', true), true);
      assert.equal(await store.setWritesEnabled('d1', 'nope', true), false);
      await store.fileBatch(batch(2, [], { defs: [{ ...def, description: 'inlet valve' }] }));
      let d = (await store.definitions('d1'))[0];
      assert.deepEqual(d, {
        deviceId: 'd1',
        point: 'valve',
        type: 'boolean',
        unit: 'on',
        description: 'inlet valve',
        source: 'modbus-tcp 10.0.0.5:502',
        writable: true,
        writesEnabled: true,
      });
      await store.fileBatch(batch(3, [], { defs: [{ ...def, writable: false }] }));
      d = (await store.definitions('d1'))[0];
      assert.equal(d?.writable, false);
      assert.equal(d?.writesEnabled, false);
    });

    it('refuses new points past the device limit and files the rest', async () => {
      const store = createStreamsStore(db());
      const out = await store.fileBatch(
        batch(1, [val('a', 1, T0), val('b', 2, T0), val('c', 3, T0), val('a', 4, T0 + 1)], { maxPoints: 2 }),
      );
      assert.ok(out.filed);
      assert.deepEqual(out.refusedPoints, ['c']);
      assert.deepEqual(
        out.values.map((v) => v.value),
        [1, 2, 4],
      );
      assert.deepEqual(
        (await store.points('d1')).map((p) => p.point),
        ['a', 'b'],
      );
    });

    it('answers the latest value of one point across devices, narrowed to some', async () => {
      const store = createStreamsStore(db());
      await store.fileBatch(batch(1, [val('level', 1, T0)]));
      await store.fileBatch(batch(1, [val('level', 2, T0, { deviceId: 'd2' })], { deviceId: 'd2' }));
      await store.fileBatch(batch(1, [val('other', 3, T0, { deviceId: 'd3' })], { deviceId: 'd3' }));
      assert.deepEqual(
        (await store.latestOfPoint('level')).map((v) => [v.deviceId, v.value]),
        [
          ['d1', 1],
          ['d2', 2],
        ],
      );
      assert.deepEqual(
        (await store.latestOfPoint('level', ['d2', 'd3'])).map((v) => v.deviceId),
        ['d2'],
      );
    });

    it('answers the first and last readable number of a point per device in a window', async () => {
      const store = createStreamsStore(db());
      await store.fileBatch(
        batch(1, [
          val('flow', 10, T0),
          val('flow', 99, T0 + 30_000, { quality: 'bad' }),
          val('flow', 16, T0 + 60_000),
          val('flow', 40, T0 + 600_000),
        ]),
      );
      await store.fileBatch(batch(1, [val('flow', 5, T0 + 1000, { deviceId: 'd2' })], { deviceId: 'd2' }));
      const got = await store.firstLastOf('flow', ['d1', 'd2', 'd3'], T0, T0 + 120_000);
      assert.deepEqual(
        [...got.entries()],
        [
          ['d1', { first: { ts: T0, v: 10 }, last: { ts: T0 + 60_000, v: 16 } }],
          ['d2', { first: { ts: T0 + 1000, v: 5 }, last: { ts: T0 + 1000, v: 5 } }],
        ],
      );
    });

    it('deletes raw values, roll-ups of one tier and batch records past their age', async () => {
      const store = createStreamsStore(db());
      await store.fileBatch(batch(1, [val('level', 1, T0), val('level', 2, T0 + 2 * 86_400_000)], { receivedAt: T0 }));
      assert.equal(await store.deleteRawBefore(T0 + 86_400_000), 1);
      assert.equal(await store.deleteRollupsBefore('1m', T0 + 86_400_000), 1);
      assert.equal(
        (await store.rollups({ deviceId: 'd1', point: 'level', from: 0, to: T0 + 9e9, tier: '1h' })).length,
        2,
      );
      assert.equal(await store.deleteBatchesBefore(T0 + 1), 1);
      // The record gone, the same seq is filed again.
      assert.equal((await store.fileBatch(batch(1, [val('level', 3, T0 + 3 * 86_400_000)]))).filed, true);
    });
  });
}
