import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_DELAY_S, longestWait, secondsToWait, signInKeys } from './sign-in-throttle.js';

const at = (iso: string) => new Date(iso);
const LATEST = '2026-03-02T10:00:00.000Z';

describe('sign-in throttle', () => {
  it('lets attempts through below the limit', () => {
    assert.equal(secondsToWait({ count: 4, latest: LATEST }, 5, at(LATEST)), 0);
    assert.equal(secondsToWait({ count: 0, latest: null }, 5, at(LATEST)), 0);
  });

  it('waits the base delay at the limit, doubling per failure past it, capped at 15 minutes', () => {
    const now = at(LATEST);
    assert.equal(secondsToWait({ count: 5, latest: LATEST }, 5, now), BASE_DELAY_S);
    assert.equal(secondsToWait({ count: 6, latest: LATEST }, 5, now), 2 * BASE_DELAY_S);
    assert.equal(secondsToWait({ count: 7, latest: LATEST }, 5, now), 4 * BASE_DELAY_S);
    assert.equal(secondsToWait({ count: 40, latest: LATEST }, 5, now), 900);
  });

  it('counts the wait from the latest failure and rounds up', () => {
    assert.equal(secondsToWait({ count: 5, latest: LATEST }, 5, at('2026-03-02T10:00:29.500Z')), 1);
    assert.equal(secondsToWait({ count: 5, latest: LATEST }, 5, at('2026-03-02T10:00:30.000Z')), 0);
  });

  it('names the limit that holds an attempt back longest', () => {
    const keys = signInKeys('Ann', '10.0.0.1', { perAccount: 5, perAddress: 20, windowMinutes: 15 });
    assert.deepEqual(
      keys.map((k) => k.key),
      ['user:ann', 'ip:10.0.0.1'],
    );
    const stats = new Map([
      ['user:ann', { count: 5, latest: LATEST }],
      ['ip:10.0.0.1', { count: 22, latest: LATEST }],
    ]);
    assert.deepEqual(longestWait(keys, stats, at(LATEST)), { scope: 'address', retryAfterS: 4 * BASE_DELAY_S });
    assert.equal(longestWait(keys, new Map(), at(LATEST)), null);
  });

  it('has no address key for a request without one', () => {
    assert.equal(signInKeys('ann', null, { perAccount: 5, perAddress: 20, windowMinutes: 15 }).length, 1);
  });
});
