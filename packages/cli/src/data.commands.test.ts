import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { timeArg } from './data.commands.js';

describe('outpost data time arguments', () => {
  const now = Date.parse('2026-12-07T12:00:00Z');
  it('takes ISO 8601 times and durations before now', () => {
    assert.equal(timeArg('2026-12-01T00:00:00Z', now), '2026-12-01T00:00:00.000Z');
    assert.equal(timeArg('24h', now), '2026-12-06T12:00:00.000Z');
    assert.equal(timeArg('-7d', now), '2026-11-30T12:00:00.000Z');
    assert.equal(timeArg('0s', now), '2026-12-07T12:00:00.000Z');
  });
  it('refuses anything else with the forms it takes', () => {
    assert.throws(() => timeArg('yesterday', now), /neither an ISO 8601 time nor a duration such as 90s/);
    assert.throws(() => timeArg('2026-13-45', now), /is not an ISO 8601 time/);
  });
});
