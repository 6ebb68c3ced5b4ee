import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  inMaintenanceWindow,
  maintenanceWindowState,
  planWaves,
  resolveOptions,
  retryDelayMs,
} from './rollout-plan.js';

test('waves: a canary count, then cumulative shares; the last takes the rest', () => {
  assert.deepEqual(
    planWaves(500, [{ count: 20 }, { percent: 25 }, { percent: 60 }, { percent: 100 }]),
    [20, 105, 175, 200],
  );
  assert.deepEqual(planWaves(3, [{ count: 5 }, { percent: 50 }]), [3]);
  assert.deepEqual(planWaves(10, [{ percent: 10 }, { percent: 10 }, { percent: 50 }]), [1, 9]);
  assert.deepEqual(planWaves(0, [{ count: 5 }]), []);
});

test('maintenance window: inside from each cron occurrence for its duration, in its time zone', () => {
  const w = { cron: '0 2 * * *', durationMin: 120, timezone: 'Europe/Berlin' };
  // 02:00 Berlin in January is 01:00 UTC.
  assert.equal(inMaintenanceWindow(w, new Date('2026-01-15T01:30:00Z')), true);
  assert.equal(inMaintenanceWindow(w, new Date('2026-01-15T02:59:00Z')), true);
  assert.equal(inMaintenanceWindow(w, new Date('2026-01-15T03:01:00Z')), false);
  assert.equal(inMaintenanceWindow(w, new Date('2026-01-15T00:59:00Z')), false);
  assert.equal(inMaintenanceWindow(undefined, new Date()), true);
});

test('options: defaults, bad windows named by path, backoff capped', () => {
  const o = resolveOptions({ retries: { max: 2, baseS: 10, capS: 25 } });
  assert.equal(o.abortFailurePct, 20);
  assert.deepEqual(
    [1, 2, 3].map((a) => retryDelayMs(o.retries, a)),
    [10_000, 20_000, 25_000],
  );
  assert.throws(
    () => resolveOptions({ maintenanceWindow: { cron: 'nope', durationMin: 5, timezone: 'UTC' } }),
    (e: Error & { details?: { path: string } }) => e.details?.path === '/maintenanceWindow/cron',
  );
  assert.throws(
    () => resolveOptions({ maintenanceWindow: { cron: '0 2 * * *', durationMin: 5, timezone: 'Mars/Base' } }),
    (e: Error & { details?: { path: string } }) => e.details?.path === '/maintenanceWindow/timezone',
  );
  assert.throws(() => resolveOptions({ waves: [{ count: 1, percent: 5 }] }), /either count or percent/);
});

test('the window state says when a closed window opens and when an open one closes', () => {
  const w = { cron: '0 1 * * *', durationMin: 240, timezone: 'Europe/Berlin' };
  // 22:00 in Berlin (UTC+1 in January): the window opens at 01:00 Berlin, 00:00 UTC, in 3 h.
  assert.deepEqual(maintenanceWindowState(w, new Date('2026-01-14T21:00:00Z')), {
    open: false,
    opensAt: '2026-01-15T00:00:00.000Z',
    opensInS: 3 * 3600,
    closesAt: null,
  });
  assert.deepEqual(maintenanceWindowState(w, new Date('2026-01-15T01:00:00Z')), {
    open: true,
    opensAt: null,
    opensInS: null,
    closesAt: '2026-01-15T04:00:00.000Z',
  });
  assert.equal(maintenanceWindowState(undefined, new Date()), null);
});
