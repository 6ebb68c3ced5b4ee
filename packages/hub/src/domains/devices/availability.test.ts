import { it } from 'node:test';
import assert from 'node:assert/strict';
import { availability, observedFrom } from './availability.js';

const from = new Date('2026-01-01T00:00:00Z');
const to = new Date('2026-01-01T10:00:00Z');

it('counts online time and lists offline periods within the window', () => {
  const r = availability(
    'online',
    [
      { state: 'offline', at: '2026-01-01T02:00:00Z' },
      { state: 'online', at: '2026-01-01T03:00:00Z' },
      { state: 'offline', at: '2026-01-01T09:00:00Z' },
    ],
    from,
    to,
  );
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

it('measures from when the device was first known in the window, not from the window start', () => {
  const changes = [{ state: 'online', at: '2026-01-01T09:00:00Z' }];
  const start = observedFrom(null, changes, from.getTime());
  assert.equal(start, Date.parse('2026-01-01T09:00:00Z'));
  assert.equal(
    availability(null, changes, new Date(start!), to).onlinePct,
    100,
    'an hour online out of the hour it existed',
  );
  assert.equal(
    observedFrom('offline', changes, from.getTime()),
    from.getTime(),
    'known before the window: the whole window counts',
  );
  assert.equal(observedFrom(null, [], from.getTime()), null);
});
