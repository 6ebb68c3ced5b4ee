import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createDeviceRateLimiter } from './device-rate-limit.js';

describe('per-device, per-topic rate limit', () => {
  it('lets a burst through, then the rate, and drops the rest in one episode', () => {
    const l = createDeviceRateLimiter({ perMinute: 60, burst: 5 });
    const t0 = 1_000_000;
    const first = Array.from({ length: 20 }, () => l.take('dev-1', 'health', t0));
    assert.equal(first.filter((v) => v.allowed).length, 5);
    assert.equal(first.filter((v) => v.episodeStarted).length, 1, 'one episode, not one report per message');
    assert.equal(
      first.findIndex((v) => v.episodeStarted),
      5,
    );
    // One message a second refills: 15 s of flooding at 100/s lets 15 more through.
    let allowed = 0;
    let started = 0;
    for (let ms = 10; ms <= 15_000; ms += 10) {
      const v = l.take('dev-1', 'health', t0 + ms);
      if (v.allowed) allowed++;
      if (v.episodeStarted) started++;
    }
    assert.equal(allowed, 15);
    assert.equal(started, 0, 'still the same episode');
  });

  it('keeps topics and devices apart', () => {
    const l = createDeviceRateLimiter({ perMinute: 60, burst: 2 });
    for (let i = 0; i < 5; i++) l.take('dev-1', 'health', 0);
    assert.equal(l.take('dev-1', 'health', 0).allowed, false);
    assert.equal(l.take('dev-1', 'events', 0).allowed, true);
    assert.equal(l.take('dev-2', 'health', 0).allowed, true);
  });

  it('ends the episode once the bucket has filled again, saying how many were dropped', () => {
    const l = createDeviceRateLimiter({ perMinute: 60, burst: 3 });
    for (let i = 0; i < 10; i++) l.take('dev-1', 'health', 0);
    // After 1 s one token is back: allowed, but the episode goes on.
    const partial = l.take('dev-1', 'health', 1000);
    assert.deepEqual([partial.allowed, partial.episodeEnded], [true, null]);
    const full = l.take('dev-1', 'health', 10_000);
    assert.deepEqual(full, { allowed: true, episodeStarted: false, episodeEnded: { dropped: 7, sinceMs: 0 } });
    // A new flood is a new episode.
    for (let i = 0; i < 2; i++) l.take('dev-1', 'health', 10_000);
    assert.equal(l.take('dev-1', 'health', 10_000).episodeStarted, true);
  });

  it('holds at most maxTracked buckets however many devices send', () => {
    const l = createDeviceRateLimiter({ perMinute: 60, burst: 1, maxTracked: 1000 });
    for (let i = 0; i < 50_000; i++) l.take(`dev-${i}`, 'health', i);
    assert.equal(l.tracked(), 1000);
    // The most recent senders are the ones still remembered.
    assert.equal(l.take('dev-49999', 'health', 50_000).allowed, false);
  });
});
