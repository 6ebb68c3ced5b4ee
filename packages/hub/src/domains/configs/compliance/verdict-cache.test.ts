import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceStateHead } from '../desired.store.js';
import type { SourceVerdict } from './compliance.evaluate.js';
import { createVerdictCache } from './verdict-cache.js';

const head = (over: Partial<DeviceStateHead> = {}): DeviceStateHead => ({
  device_id: 'd1',
  desired_version: 1,
  desired_hash: 'h',
  published_at: null,
  reported_version: 1,
  reported_at: '2026-03-02T10:00:00.000Z',
  report_error: null,
  report_rev: 3,
  state: null,
  maintenance_until: null,
  maintenance_by: null,
  ...over,
});
const found = (state: SourceVerdict['state']) => new Map([['tpl', { state, diff: [], reason: null }]]);

describe('verdict cache', () => {
  it('returns verdicts only while desired state and stored report are unchanged', () => {
    const cache = createVerdictCache();
    const key = cache.key('h', 1, head());
    cache.set('d1', key, found('compliant'));
    assert.equal(cache.get('d1', cache.key('h', 1, head()))?.get('tpl')?.state, 'compliant');
    // A new report, a rewritten report, a report error, a new desired state or version: all miss.
    for (const other of [
      cache.key('h', 1, head({ report_rev: 4 })),
      cache.key('h', 1, head({ report_error: 'unreadable' })),
      cache.key('h2', 1, head()),
      cache.key('h', 2, head()),
      cache.key('h', 1, undefined),
    ])
      assert.equal(cache.get('d1', other), undefined, other);
  });

  it('stays bounded and forgets devices a full scan no longer covers', () => {
    const cache = createVerdictCache(3);
    for (const id of ['a', 'b', 'c']) cache.set(id, 'k', found('compliant'));
    cache.retain(['a', 'c']);
    assert.equal(cache.size, 2);
    assert.equal(cache.get('b', 'k'), undefined);
    cache.set('d', 'k', found('drifted'));
    cache.set('e', 'k', found('drifted'));
    assert.ok(cache.size <= 3, `size ${cache.size}`);
    assert.equal(cache.get('e', 'k')?.get('tpl')?.state, 'drifted');
  });
});
