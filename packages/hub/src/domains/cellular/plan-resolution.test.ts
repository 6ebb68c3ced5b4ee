import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { effectivePlan } from './plan-resolution.js';
import { signalBucketMs, MAX_SIGNAL_POINTS } from './signal-history.js';
import { requireGroupInScope } from './group-plans.js';

const GB = 1_000_000_000;
const plans = [
  { group: 'north', limitBytes: 5 * GB, cycleStartDay: 1 },
  { group: 'north/substations', limitBytes: 2 * GB, cycleStartDay: 15 },
  { group: 'south', limitBytes: 9 * GB, cycleStartDay: 3 },
];

describe('plan resolution', () => {
  it("a SIM's own plan overrides every group plan", () => {
    assert.deepEqual(effectivePlan({ limitBytes: GB, cycleStartDay: 7 }, ['north/substations'], plans), {
      source: 'sim',
      limitBytes: GB,
      cycleStartDay: 7,
    });
  });

  it('the nearest group above the device wins, subgroups included', () => {
    assert.equal(effectivePlan(undefined, ['north/substations/s7'], plans)?.limitBytes, 2 * GB);
    assert.equal(effectivePlan(undefined, ['north/wells'], plans)?.limitBytes, 5 * GB);
    assert.deepEqual(effectivePlan(undefined, ['north'], plans), {
      source: 'group',
      group: 'north',
      limitBytes: 5 * GB,
      cycleStartDay: 1,
    });
    // In two groups: the deeper plan wins.
    assert.equal(effectivePlan(undefined, ['south', 'north/substations'], plans)?.limitBytes, 2 * GB);
  });

  it('a name that merely starts like a group is not below it; no group, no plan', () => {
    assert.equal(effectivePlan(undefined, ['northern'], plans), undefined);
    assert.equal(effectivePlan(undefined, [], plans), undefined);
  });

  it('signal buckets keep every range within the point budget', () => {
    const MIN = 60_000;
    assert.equal(signalBucketMs(60 * MIN), MIN);
    assert.equal(signalBucketMs(24 * 60 * MIN), 5 * MIN);
    assert.equal(signalBucketMs(30 * 24 * 60 * MIN), 120 * MIN);
    for (const days of [1, 7, 30, 90, 400])
      assert.ok((days * 86_400_000) / signalBucketMs(days * 86_400_000) <= MAX_SIGNAL_POINTS);
  });

  it('a scoped caller may name only groups at or below its own', () => {
    const scope = { unrestricted: false, groups: ['north'] };
    assert.doesNotThrow(() => requireGroupInScope(scope, 'north/substations'));
    assert.throws(
      () => requireGroupInScope(scope, 'northern'),
      (e: Error & { code?: string; details?: { reason?: string } }) =>
        e.code === 'outside_scope' && e.details?.reason === 'group_outside_scope',
    );
    assert.doesNotThrow(() => requireGroupInScope({ unrestricted: true, groups: [] }, 'anything'));
  });
});
