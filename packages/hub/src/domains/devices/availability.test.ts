import { it } from 'node:test';
import assert from 'node:assert/strict';
import { availability } from './availability.js';

const from = new Date('2026-01-01T00:00:00Z');
const to = new Date('2026-01-01T10:00:00Z');

it('counts online time and lists offline periods within the window', () => {
  const r = availability('online', [
    { state: 'offline', at: '2026-01-01T02:00:00Z' },
    { state: 'online', at: '2026-01-01T03:00:00Z' },
    { state: 'offline', at: '2026-01-01T09:00:00Z' },
  ], from, to);
  assert.equal(r.onlinePct, 80);
  assert.deepEqual(r.offlinePeriods, [
    { from: '2026-01-01T02:00:00.000Z', to: '2026-01-01T03:00:00.000Z' },
    { from: '2026-01-01T09:00:00.000Z', to: null },
  ]);
});

it('treats a device never seen in the window as not available', () => {
  assert.equal(availability(null, [], from, to).onlinePct, 0);
  assert.equal(availability('online', [], from, to).onlinePct, 100);
});
