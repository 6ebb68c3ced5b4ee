import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../storage/test-database.js';
import { createLocationStore } from './location.store.js';

const fix = (at: string, lat: number, lon: number, accuracyM: number | null = 5) => ({
  deviceId: 'd1',
  at,
  lat,
  lon,
  accuracyM,
});

export function locationStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`location store contract (${name})`, () => {
    const db = freshDatabaseEachTest(open);

    it('stores points once per device and time, and reads a range oldest first', async () => {
      const store = createLocationStore(db());
      assert.equal(await store.last('d1'), null);
      assert.equal(await store.add(fix('2026-03-02T10:00:00.000Z', 48.1, 11.5)), true);
      assert.equal(await store.add(fix('2026-03-02T10:05:00.000Z', 48.2, 11.6, null)), true);
      assert.equal(await store.add(fix('2026-03-02T10:05:00.000Z', 49, 12)), false, 'the same time twice');
      assert.equal(await store.add({ ...fix('2026-03-02T10:05:00.000Z', 1, 2), deviceId: 'd2' }), true);
      assert.deepEqual(await store.last('d1'), {
        at: '2026-03-02T10:05:00.000Z',
        lat: 48.2,
        lon: 11.6,
        accuracyM: null,
      });
      assert.deepEqual(await store.range('d1', '2026-03-02T00:00:00.000Z', '2026-03-03T00:00:00.000Z', 10), [
        { at: '2026-03-02T10:00:00.000Z', lat: 48.1, lon: 11.5, accuracyM: 5 },
        { at: '2026-03-02T10:05:00.000Z', lat: 48.2, lon: 11.6, accuracyM: null },
      ]);
      assert.equal((await store.range('d1', '2026-03-02T00:00:00.000Z', '2026-03-03T00:00:00.000Z', 1)).length, 1);
      // [from, to): a point at `to` is not in the range.
      assert.equal((await store.range('d1', '2026-03-02T10:00:00.000Z', '2026-03-02T10:05:00.000Z', 10)).length, 1);
      assert.equal(await store.countBetween('d1', '2026-03-02T00:00:00.000Z', '2026-03-03T00:00:00.000Z'), 2);
      assert.equal(await store.countBetween('d1', '2026-03-03T00:00:00.000Z', '2026-03-04T00:00:00.000Z'), 0);
    });

    it('deletes what is older than a time', async () => {
      const store = createLocationStore(db());
      await store.add(fix('2026-03-01T10:00:00.000Z', 48.1, 11.5));
      await store.add(fix('2026-03-02T10:00:00.000Z', 48.2, 11.5));
      assert.equal(await store.deleteBefore('2026-03-02T00:00:00.000Z'), 1);
      assert.equal((await store.last('d1'))?.at, '2026-03-02T10:00:00.000Z');
    });

    it('keeps settings by key, replaces and clears them', async () => {
      const store = createLocationStore(db());
      assert.equal(await store.setting('tile_url'), null);
      await store.putSetting('tile_url', 'https://a.example/{z}/{x}/{y}.png', '2026-03-02T10:00:00.000Z', 'ann');
      await store.putSetting('tile_url', 'https://b.example/{z}/{x}/{y}.png', '2026-03-02T11:00:00.000Z', 'bob');
      assert.equal(await store.setting('tile_url'), 'https://b.example/{z}/{x}/{y}.png');
      await store.putSetting('tile_url', null, '2026-03-02T12:00:00.000Z', 'bob');
      assert.equal(await store.setting('tile_url'), null);
    });
  });
}
