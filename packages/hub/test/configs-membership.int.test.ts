import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createMemorySettingsStore, createSettingsFeature, type Agent, type MemorySettingsStore } from '@outpost/agent';
import { startTestHub, eventually, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, startTestAgent } from './support/devices.js';

// Desired settings follow group membership without waiting for a scheduled scan: the scan
// interval here is an hour, so only the membership change can bring a template to the device.

describe('desired settings follow group membership', () => {
  let t: TestHub;
  let agent: Agent;
  let store: MemorySettingsStore;
  const ID = 'cm-gw-1';
  const managed = async () => (await t.admin.deviceConfig.get(ID)).entries.map((e) => e.key);

  before(async () => {
    t = await startTestHub({ complianceScanIntervalS: 3600 });
    await t.admin.groups.create({ path: 'edge', kind: 'dynamic', filter: 'tag.role = "edge"' });
    await t.admin.templates.create({
      name: 'edge-ssh',
      priority: 10,
      policy: 'enforce',
      target: { group: 'edge' },
      settings: { 'ssh.port': 2222 },
    });
    const dev = await enrollTestDevice(t, ID, { tags: { role: 'office' } });
    store = createMemorySettingsStore({ 'ssh.port': 22 });
    agent = startTestAgent(t, dev, {
      features: [createSettingsFeature({ store, simulator: { random: Math.random }, reportDelayMs: 20 })],
    });
    await eventually(async () => (await t.admin.devices.get(ID)).presence === 'online');
  });

  after(async () => {
    await agent?.stop({ clean: true });
    await t?.stop();
  });

  it('tagging a device into a targeted dynamic group delivers the template; untagging takes it away', async () => {
    assert.equal((await store.read())['ssh.port'], 22);
    await t.admin.devices.tag(ID, { role: 'edge' });
    await eventually(async () => (await store.read())['ssh.port'] === 2222, 3000);
    assert.deepEqual(await managed(), ['ssh.port']);
    await t.admin.devices.tag(ID, { role: 'office' });
    await eventually(async () => (await managed()).length === 0, 3000);
  });
});
