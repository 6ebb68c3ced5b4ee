import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEVICE_CERT_BACKDATE_MS } from '@outpost/protocol';
import { realLifetime, renewalTime, responseTimeoutMs, retryDelayMs } from './renewal-schedule.js';

const ISSUED = Date.parse('2026-12-01T00:00:00Z');
const DAY = 86_400_000;
// As the hub issues them: notBefore backdated for clock skew.
const cert = (lifetimeMs: number) => ({ notBefore: ISSUED - DEVICE_CERT_BACKDATE_MS, notAfter: ISSUED + lifetimeMs });
const policy = { share: 2 / 3, jitterShare: 0.1 };

describe('renewal schedule', () => {
  it('counts the lifetime from the real issue time, not the backdated notBefore', () => {
    assert.deepEqual(realLifetime(cert(120_000)), { issuedAt: ISSUED, lifetimeMs: 120_000 });
  });

  it('renews at the share of the lifetime, plus up to the jitter share', () => {
    const table: Array<[lifetimeMs: number, random: number, expected: number]> = [
      [120_000, 0, ISSUED + 80_000],
      [120_000, 1, ISSUED + 92_000],
      [120_000, 0.5, ISSUED + 86_000],
      [365 * DAY, 0, ISSUED + Math.round((365 * DAY * 2) / 3)],
    ];
    for (const [lifetime, r, expected] of table)
      assert.equal(
        renewalTime(cert(lifetime), policy, () => r),
        expected,
      );
  });

  it('spreads a fleet enrolled at the same moment over the jitter window', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const times = Array.from({ length: 1000 }, () => renewalTime(cert(120_000), policy, random) - ISSUED);
    assert.ok(Math.min(...times) >= 80_000 && Math.max(...times) <= 92_000);
    assert.ok(new Set(times.map((t) => Math.floor(t / 1000))).size >= 12, 'every second of the window is used');
  });

  it('never plans a renewal in the last 5 % of the lifetime', () => {
    assert.equal(
      renewalTime(cert(100_000), { share: 0.9, jitterShare: 0.5 }, () => 1),
      ISSUED + 95_000,
    );
  });

  it('backs off exponentially between 1/100 and 1/10 of the lifetime, with equal jitter', () => {
    const life = 10 * 60_000; // base 6 s, cap 60 s
    const at = ISSUED + 400_000;
    const delays = [1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(n, cert(life), at, () => 1));
    assert.deepEqual(delays, [6000, 12_000, 24_000, 48_000, 60_000, 60_000]);
    assert.equal(
      retryDelayMs(1, cert(life), at, () => 0),
      3000,
    );
  });

  it('bounds the backoff for a year-long certificate to an hour, and waits at least a second', () => {
    assert.equal(
      retryDelayMs(30, cert(365 * DAY), ISSUED + 250 * DAY, () => 1),
      3600_000,
    );
    assert.equal(
      retryDelayMs(1, cert(20_000), ISSUED + 1000, () => 0),
      1000,
    );
  });

  it('never waits past half of the time left, so the certificate does not lapse while waiting', () => {
    const life = 365 * DAY;
    const almostOver = ISSUED + life - 600_000; // ten minutes left
    assert.equal(
      retryDelayMs(30, cert(life), almostOver, () => 1),
      300_000,
    );
  });

  it('waits for an answer 1/20 of the lifetime, between 5 s and a minute', () => {
    assert.equal(responseTimeoutMs(cert(20_000)), 5000);
    assert.equal(responseTimeoutMs(cert(600_000)), 30_000);
    assert.equal(responseTimeoutMs(cert(365 * DAY)), 60_000);
  });
});
