import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createManualClock } from './manual-clock.js';
import {
  BASE_DELAY_S,
  createFailureWindow,
  createMemoryFailureStore,
  createMemoryRequestWindows,
  createRequestLimit,
  createTokenBuckets,
  type ThrottleKey,
} from './throttle.js';

const T0 = '2026-03-02T10:00:00.000Z';

describe('token buckets', () => {
  it('spends the burst at once, then refills at the rate the clock shows', async () => {
    const clock = createManualClock(new Date(T0));
    const b = createTokenBuckets({ perMinute: 60, burst: 3, clock });
    assert.deepEqual(
      [1, 2, 3, 4].map(() => b.take('k').allowed),
      [true, true, true, false],
    );
    await clock.advance(999);
    assert.equal(b.take('k').allowed, false, 'less than one token has come back');
    await clock.advance(1);
    assert.equal(b.take('k').allowed, true, 'one token a second at 60 a minute');
  });

  it('reports an episode once at its first drop and once when the bucket is full again', async () => {
    const clock = createManualClock(new Date(T0));
    const b = createTokenBuckets({ perMinute: 60, burst: 2, clock });
    b.take('k');
    b.take('k');
    const first = b.take('k');
    const second = b.take('k');
    assert.deepEqual([first.episodeStarted, second.episodeStarted], [true, false]);
    await clock.advance(2_000);
    assert.deepEqual(b.take('k').episodeEnded, { dropped: 2, sinceMs: Date.parse(T0) });
  });

  it('keeps at most maxTracked buckets, forgetting the least recently used', () => {
    const clock = createManualClock(new Date(T0));
    const b = createTokenBuckets({ perMinute: 1, burst: 1, maxTracked: 2, clock });
    b.take('a');
    b.take('b');
    b.take('a');
    b.take('c');
    assert.equal(b.tracked(), 2);
    assert.equal(b.take('a').allowed, false, 'a was used last, so it is kept (and empty)');
    assert.equal(b.take('b').allowed, true, 'b was forgotten: a new bucket starts full');
  });

  it('refuses a take without a time when it has no clock', () => {
    const b = createTokenBuckets({ perMinute: 1, burst: 1 });
    assert.equal(b.take('k', 0).allowed, true);
    assert.throws(() => b.take('k'), /without a clock/);
  });
});

describe('failure window', () => {
  const keys: ThrottleKey<'account' | 'address'>[] = [
    { key: 'user:ann', limit: 2, scope: 'account' },
    { key: 'ip:10.0.0.1', limit: 5, scope: 'address' },
  ];

  it('admits below the limit, then makes the key wait the base delay from its latest failure', async () => {
    const clock = createManualClock(new Date(T0));
    const w = createFailureWindow({ store: createMemoryFailureStore(), clock, windowMinutes: 15 });
    assert.equal(await w.admit('a1', keys), null);
    await clock.advance(1_000);
    assert.equal(await w.admit('a2', keys), null);
    assert.deepEqual(await w.admit('a3', keys), { scope: 'account', retryAfterS: BASE_DELAY_S });
    await clock.advance(BASE_DELAY_S * 1000 - 500);
    assert.deepEqual(await w.admit('a4', keys), { scope: 'account', retryAfterS: 1 });
    await clock.advance(500);
    assert.equal(await w.admit('a5', keys), null, 'the wait is over');
    assert.deepEqual(await w.admit('a6', keys), { scope: 'account', retryAfterS: 2 * BASE_DELAY_S });
  });

  it('does not count a released attempt, nor failures older than the window', async () => {
    const clock = createManualClock(new Date(T0));
    const w = createFailureWindow({ store: createMemoryFailureStore(), clock, windowMinutes: 1 });
    await w.admit('a1', keys);
    await w.release('a1');
    await w.admit('a2', keys);
    assert.equal(await w.atLimit('user:ann', 2), false, 'one failure counts, the released one does not');
    await w.admit('a3', keys);
    assert.equal(await w.atLimit('user:ann', 2), true);
    await clock.advance(60_001);
    assert.equal(await w.atLimit('user:ann', 2), false, 'both are older than the window');
    assert.equal(await w.admit('a4', keys), null);
  });

  it('keeps memory bounded: at most maxKeys keys and maxPerKey failures a key', async () => {
    const clock = createManualClock(new Date(T0));
    const store = createMemoryFailureStore({ maxKeys: 3, maxPerKey: 4 });
    const w = createFailureWindow({ store, clock, windowMinutes: 60 });
    for (let i = 0; i < 10; i++) await w.admit(`k${i}`, [{ key: `ip:${i}`, limit: 100, scope: 'address' }]);
    const stats = await store.failureStats(['ip:0', 'ip:7', 'ip:8', 'ip:9'], '2026-03-02T00:00:00.000Z');
    assert.deepEqual(
      [...stats.values()].map((s) => s.count),
      [0, 1, 1, 1],
    );
    for (let i = 0; i < 10; i++) await w.admit(`m${i}`, [{ key: 'user:bob', limit: 100, scope: 'account' }]);
    assert.equal((await store.failureStats(['user:bob'], '2026-03-02T00:00:00.000Z')).get('user:bob')?.count, 4);
  });
});

describe('request limit', () => {
  it('allows `limit` requests a window, then says how long until the window ends', async () => {
    const clock = createManualClock(new Date(T0));
    const limit = createRequestLimit({ store: createMemoryRequestWindows(), clock, windowMs: 60_000 });
    const first = await limit.take('user:ann', 3);
    assert.deepEqual(first, { allowed: true, limit: 3, remaining: 2, resetS: 60 });
    await limit.take('user:ann', 3);
    await clock.advance(20_500);
    assert.deepEqual(await limit.take('user:ann', 3), { allowed: true, limit: 3, remaining: 0, resetS: 40 });
    assert.deepEqual(await limit.take('user:ann', 3), { allowed: false, limit: 3, remaining: 0, resetS: 40 });
    assert.equal((await limit.take('user:bob', 3)).allowed, true, 'another caller has its own window');
    await clock.advance(39_500);
    assert.deepEqual(await limit.take('user:ann', 3), { allowed: true, limit: 3, remaining: 2, resetS: 60 });
  });

  it('keeps at most maxKeys callers in memory, forgetting the least recently seen', async () => {
    const store = createMemoryRequestWindows({ maxKeys: 2 });
    await store.hit('a', 0, 60_000);
    await store.hit('a', 1, 60_000);
    await store.hit('b', 2, 60_000);
    await store.hit('a', 3, 60_000);
    await store.hit('c', 4, 60_000);
    assert.deepEqual(await store.hit('b', 5, 60_000), { hits: 1, startedMs: 5 }, 'b was forgotten');
    assert.deepEqual(await store.hit('c', 6, 60_000), { hits: 2, startedMs: 4 });
  });
});
