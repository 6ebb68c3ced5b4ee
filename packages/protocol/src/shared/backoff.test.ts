import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelay } from './backoff.js';

const full = { baseMs: 1000, capMs: 60_000, jitter: 'full' as const };

describe('backoffDelay', () => {
  it('full jitter: grows exponentially up to the cap, drawn below the ceiling', () => {
    assert.equal(
      backoffDelay(0, full, () => 0.999999),
      999,
    );
    assert.equal(
      backoffDelay(3, full, () => 0.999999),
      7999,
    );
    assert.equal(
      backoffDelay(20, full, () => 0.999999),
      59_999,
    );
    assert.equal(
      backoffDelay(1000, full, () => 0.5),
      30_000,
    );
    assert.equal(
      backoffDelay(5, full, () => 0),
      0,
    );
  });

  it('full jitter spreads a fleet of reconnects across the whole window', () => {
    const delays = Array.from({ length: 10_000 }, () =>
      backoffDelay(6, { baseMs: 1000, capMs: 64_000, jitter: 'full' }),
    );
    const buckets = new Array(8).fill(0);
    for (const d of delays) buckets[Math.floor(d / 8000)]++;
    // Uniform over [0, 64 s): every 8 s bucket holds roughly an eighth, none is a spike.
    for (const b of buckets) assert.ok(b > 1000 && b < 1500, `bucket of ${b}`);
  });

  it('equal jitter keeps half the ceiling fixed', () => {
    const p = { baseMs: 1000, capMs: 8000, jitter: 'equal' as const };
    assert.equal(
      backoffDelay(0, p, () => 0),
      500,
    );
    assert.equal(
      backoffDelay(2, p, () => 1),
      4000,
    );
    assert.equal(
      backoffDelay(9, p, () => 0),
      4000,
    );
  });

  it('no jitter waits the ceiling; a negative retry counts as the first', () => {
    const p = { baseMs: 30_000, capMs: 300_000, jitter: 'none' as const };
    assert.deepEqual(
      [-1, 0, 1, 2, 3, 4].map((n) => backoffDelay(n, p)),
      [30_000, 30_000, 60_000, 120_000, 240_000, 300_000],
    );
  });
});
