import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { OutpostClient } from '@outpost/client';
import type { GuardPolicyInput } from '@outpost/protocol';
import { startTestHub, type TestHub } from './support/test-hub.js';
import { enrollTestDevice } from './support/devices.js';

// The listing of guard policies in force: the latest revision of each device and group
// policy, removed ones left out, readable by viewers.

const base: GuardPolicyInput = { mode: 'enforce', allowedClasses: ['read'], readOnly: true, onViolation: 'exception' };

describe('guard policies in force (hub)', () => {
  let t: TestHub;
  let operator: OutpostClient;
  let viewer: OutpostClient;

  before(async () => {
    t = await startTestHub();
    [operator, viewer] = await Promise.all([t.userClient('operator'), t.userClient('viewer')]);
    await enrollTestDevice(t, 'gp-gw-1');
    await enrollTestDevice(t, 'gp-gw-2');
    await t.admin.groups.create({ path: 'works', kind: 'static' });
  });
  after(() => t.stop());

  it('lists the latest revision of every policy, group policies first, and leaves removed ones out', async () => {
    assert.deepEqual((await viewer.guard.policies()).items, []);
    await operator.guard.setGroupPolicy('works', { ...base, mode: 'alert' });
    await operator.guard.setDevicePolicy('gp-gw-1', base);
    const latest = await operator.guard.setDevicePolicy('gp-gw-1', { ...base, mode: 'monitor', allowedUnits: [1, 2] });
    await operator.guard.setDevicePolicy('gp-gw-2', base);
    await operator.guard.clearDevicePolicy('gp-gw-2');

    const items = (await viewer.guard.policies()).items;
    assert.deepEqual(
      items.map((p) => [p.scope, p.target, p.policy?.mode]),
      [
        ['group', 'works', 'alert'],
        ['device', 'gp-gw-1', 'monitor'],
      ],
    );
    assert.equal(items[1].version, latest.version);
    assert.deepEqual(items[1].policy?.allowedUnits, [1, 2]);
    assert.match(items[1].createdBy, /^operator-/);

    assert.deepEqual(
      (await viewer.guard.policies({ scope: 'group' })).items.map((p) => p.target),
      ['works'],
    );
    assert.equal((await viewer.guard.policies({ limit: 1 })).items.length, 1);
  });

  it('refuses unknown scopes and callers without a session', async () => {
    await assert.rejects(
      viewer.guard.policies({ scope: 'site' as 'group' }),
      (e: { status: number }) => e.status === 400,
    );
    await assert.rejects(t.anonymous().guard.policies(), (e: { status: number }) => e.status === 401);
  });
});
