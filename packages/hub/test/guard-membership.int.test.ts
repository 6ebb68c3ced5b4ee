import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createGuardFeature, loadIdentity, type Agent, type GuardFeature } from '@outpost/agent';
import { profileOf } from '@outpost/sim';
import type { OutpostClient } from '@outpost/client';
import type { GuardPolicyInput } from '@outpost/protocol';
import { startTestHub, eventually, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, startTestAgent, type EnrolledDevice } from './support/devices.js';

// Membership changes reach a connected agent's guard without it reconnecting: moving the
// device into a static group with a policy, tagging it into a dynamic group with one, a
// dynamic group's filter edited, and a model the device reports after a restart. Undoing
// each falls back to what governed before.

const enforce: GuardPolicyInput = {
  mode: 'enforce',
  allowedClasses: ['read'],
  readOnly: true,
  onViolation: 'exception',
};
const DELIVERY_MS = 3000;

describe('guard policies follow group membership', () => {
  let t: TestHub;
  let operator: OutpostClient;
  let dev: EnrolledDevice;
  let agent: Agent;
  let feature: GuardFeature;

  const presenceSince = async () => (await t.admin.devices.get(dev.id)).presenceChangedAt;
  const mode = () => feature.status().policy.mode;
  const governedBy = async (group: string | undefined) => {
    const s = await t.admin.guard.status(dev.id);
    return s.group === group && s.documentVersion !== null && feature.status().documentVersion === s.documentVersion;
  };

  async function startAgent(index: number) {
    const ident = await loadIdentity(dev.dir);
    feature = createGuardFeature({ guards: [], trustedKeyPem: ident?.guardKeyPem });
    agent = startTestAgent(t, dev, { index, features: [feature] });
    await eventually(
      async () =>
        (await t.admin.devices.get(dev.id)).model === profileOf(index).model &&
        (await t.admin.devices.get(dev.id)).presence === 'online',
    );
  }

  before(async () => {
    t = await startTestHub();
    operator = await t.userClient('operator');
    dev = await enrollTestDevice(t, 'member-gw-1', { tags: { site: 'north' } });
    await t.admin.groups.create({ path: 'plant', kind: 'static' });
    await operator.guard.setGroupPolicy('plant', { ...enforce, mode: 'monitor' });
    await t.admin.groups.create({ path: 'plant/locked', kind: 'static' });
    await operator.guard.setGroupPolicy('plant/locked', enforce);
    await t.admin.groups.addMembers('plant', { deviceIds: [dev.id] });
    await startAgent(1);
    await eventually(() => governedBy('plant'));
  });

  after(async () => {
    await agent?.stop({ clean: true });
    await t?.stop();
  });

  it('moving the device into a static group with an enforce policy delivers it within seconds, without a reconnect', async () => {
    const since = await presenceSince();
    assert.equal(mode(), 'monitor');
    await t.admin.groups.addMembers('plant/locked', { deviceIds: [dev.id] });
    await eventually(async () => mode() === 'enforce' && (await governedBy('plant/locked')), DELIVERY_MS);
    await t.admin.groups.removeMembers('plant/locked', { deviceIds: [dev.id] });
    await eventually(async () => mode() === 'monitor' && (await governedBy('plant')), DELIVERY_MS);
    assert.equal(await presenceSince(), since, 'the device stayed connected throughout');
  });

  it('tagging the device into a dynamic group with a policy delivers it; removing the tag reverts', async () => {
    await t.admin.groups.create({ path: 'plant/quarantine', kind: 'dynamic', filter: 'tag.quarantine = "yes"' });
    await operator.guard.setGroupPolicy('plant/quarantine', { ...enforce, onViolation: 'drop' });
    const before = feature.status().documentVersion;
    assert.equal(mode(), 'monitor', 'a policy on a group the device is not in changes nothing');
    assert.ok(await governedBy('plant'));
    assert.equal(feature.status().documentVersion, before);

    await t.admin.devices.tag(dev.id, { quarantine: 'yes' });
    await eventually(
      async () => feature.status().policy.onViolation === 'drop' && (await governedBy('plant/quarantine')),
      DELIVERY_MS,
    );
    assert.equal(mode(), 'enforce');
    await t.admin.devices.tag(dev.id, {}, ['quarantine']);
    await eventually(async () => mode() === 'monitor' && (await governedBy('plant')), DELIVERY_MS);
  });

  it('editing a dynamic group filter moves the devices it now selects', async () => {
    await t.admin.groups.update('plant/quarantine', { filter: 'tag.site = "north"' });
    await eventually(async () => mode() === 'enforce' && (await governedBy('plant/quarantine')), DELIVERY_MS);
    await t.admin.groups.update('plant/quarantine', { filter: 'tag.site = "south"' });
    await eventually(async () => mode() === 'monitor' && (await governedBy('plant')), DELIVERY_MS);
  });

  it('a model the device reports in hello after a restart counts for dynamic groups at once', async () => {
    const other = [2, 3, 4, 5, 6, 7, 8, 9].find((i) => profileOf(i).model !== profileOf(1).model)!;
    await t.admin.groups.create({
      path: 'by-model',
      kind: 'dynamic',
      filter: `model = ${JSON.stringify(profileOf(other).model)}`,
    });
    await operator.guard.setGroupPolicy('by-model', { ...enforce, onViolation: 'drop' });
    assert.equal(mode(), 'monitor');
    // A firmware update with a new image: the device comes back reporting other attributes.
    await agent.stop({ clean: true });
    await startAgent(other);
    await eventually(async () => mode() === 'enforce' && (await governedBy('by-model')), DELIVERY_MS);
    const since = await presenceSince();
    // Deleting the group takes its policy away from its members.
    await t.admin.groups.remove('by-model');
    await eventually(async () => mode() === 'monitor' && (await governedBy('plant')), DELIVERY_MS);
    assert.equal(await presenceSince(), since);
  });
});
