import { test } from 'node:test';
import assert from 'node:assert/strict';
import { presenceTrend } from './presence-trend.js';

test('walks the online count back through each hour of transitions', () => {
  const now = new Date('2025-03-01T12:20:00Z');
  const points = presenceTrend(now, 3, 10, [
    { hour: '2025-03-01T12', state: 'online', n: 4 },
    { hour: '2025-03-01T12', state: 'offline', n: 1 },
    { hour: '2025-03-01T11', state: 'offline', n: 5 },
    { hour: '2025-03-01T09', state: 'online', n: 99 },
  ]);
  assert.deepEqual(points, [
    { at: '2025-03-01T10:00:00.000Z', online: 12, wentOnline: 0, wentOffline: 0 },
    { at: '2025-03-01T11:00:00.000Z', online: 7, wentOnline: 0, wentOffline: 5 },
    { at: '2025-03-01T12:00:00.000Z', online: 10, wentOnline: 4, wentOffline: 1 },
  ]);
});

test('never reports a negative count when history is incomplete', () => {
  const points = presenceTrend(new Date('2025-03-01T12:00:00Z'), 2, 1, [
    { hour: '2025-03-01T12', state: 'online', n: 3 },
  ]);
  assert.equal(points[0].online, 0);
  assert.equal(points[1].online, 1);
});
