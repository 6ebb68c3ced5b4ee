import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../storage/test-database.js';
import { createDbRequestWindows } from './request-windows.store.js';

const T0 = Date.parse('2026-03-02T10:00:00.000Z');
const MINUTE = 60_000;

export function requestWindowsStoreContract(name: string, open: OpenTestDatabase) {
  describe(`request windows store contract (${name})`, () => {
    const db = freshDatabaseEachTest(open);

    it('counts a caller’s requests in the window its first request started, apart from other callers', async () => {
      const w = createDbRequestWindows(db());
      assert.deepEqual(await w.hit('user:ann', T0, MINUTE), { hits: 1, startedMs: T0 });
      assert.deepEqual(await w.hit('user:ann', T0 + 59_999, MINUTE), { hits: 2, startedMs: T0 });
      assert.deepEqual(await w.hit('user:bob', T0 + 1000, MINUTE), { hits: 1, startedMs: T0 + 1000 });
    });

    it('starts a new window at the first request once the last one has ended', async () => {
      const w = createDbRequestWindows(db());
      for (let i = 0; i < 5; i++) await w.hit('token:t1', T0 + i, MINUTE);
      assert.deepEqual(await w.hit('token:t1', T0 + MINUTE, MINUTE), { hits: 1, startedMs: T0 + MINUTE });
      assert.deepEqual(await w.hit('token:t1', T0 + MINUTE + 5, MINUTE), { hits: 2, startedMs: T0 + MINUTE });
    });

    it('loses no request of concurrent callers on one key', async () => {
      const w = createDbRequestWindows(db());
      const counts = await Promise.all(Array.from({ length: 20 }, () => w.hit('ip:10.0.0.9', T0, MINUTE)));
      assert.deepEqual(
        counts.map((c) => c.hits).sort((a, b) => a - b),
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
    });

    it('forgets only the windows that have ended', async () => {
      const w = createDbRequestWindows(db());
      await w.hit('user:old', T0, MINUTE);
      await w.hit('user:new', T0 + MINUTE, MINUTE);
      assert.equal(await w.forgetEndedBefore(T0 + MINUTE + 1, MINUTE), 1);
      assert.deepEqual(await w.hit('user:new', T0 + MINUTE + 2, MINUTE), { hits: 2, startedMs: T0 + MINUTE });
      assert.deepEqual(await w.hit('user:old', T0 + 30_000, MINUTE), { hits: 1, startedMs: T0 + 30_000 });
    });
  });
}
