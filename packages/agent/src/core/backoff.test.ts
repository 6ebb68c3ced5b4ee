import { it } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay } from './backoff.js';

it('grows exponentially up to the cap, with full jitter below the ceiling', () => {
  assert.equal(backoffDelay(0, 1000, 60_000, () => 0.999999), 999);
  assert.equal(backoffDelay(3, 1000, 60_000, () => 0.999999), 7999);
  assert.equal(backoffDelay(20, 1000, 60_000, () => 0.999999), 59_999);
  assert.equal(backoffDelay(1000, 1000, 60_000, () => 0.5), 30_000);
  assert.equal(backoffDelay(5, 1000, 60_000, () => 0), 0);
});

it('spreads a fleet of reconnects across the whole window', () => {
  const delays = Array.from({ length: 10_000 }, () => backoffDelay(6, 1000, 64_000));
  const buckets = new Array(8).fill(0);
  for (const d of delays) buckets[Math.floor(d / 8000)]++;
  // Uniform over [0, 64 s): every 8 s bucket holds roughly an eighth, none is a spike.
  for (const b of buckets) assert.ok(b > 1000 && b < 1500, `bucket of ${b}`);
});
