import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createMemorySettingsStore, createSettingsFeature, type Agent, type MemorySettingsStore } from '@outpost/agent';
import type { Simulation } from '@outpost/sim';
import { enrollTestDevice, startTestAgent } from './support/devices.js';
import { eventually, startTestHub, type TestHub } from './support/test-hub.js';
import { releaseArtifact, setupTrust, startUpdateFleet, type ReleaseKey } from './support/updates.js';

// The configuration and rollout steps on a real hub: an override and a template enforcement that
// reach a real agent's settings, and a rollout made by a run that simulated devices install.

const MODELS = ['gw-200', 'gw-300', 'rtr-lte-5', 'ser-2x'];

describe('automation steps that change configuration and firmware, on real devices', () => {
  let t: TestHub;
  let keys: ReleaseKey[];
  let agent: Agent;
  let store: MemorySettingsStore;
  let fleet: Simulation | undefined;
  before(async () => {
    t = await startTestHub({ complianceScanIntervalS: 1, rolloutTickMs: 100 });
    ({ keys } = await setupTrust(t));
    await t.admin.groups.create({ path: 'steps', kind: 'static' });
    store = createMemorySettingsStore({ 'logging.level': 'info', 'ssh.port': 22 });
    const feature = createSettingsFeature({ store, simulator: { random: Math.random }, reportDelayMs: 20 });
    agent = startTestAgent(t, await enrollTestDevice(t, 'cfg-auto', { group: 'steps' }), {
      features: [feature],
      healthIntervalS: 2,
    });
    await eventually(async () => (await t.admin.deviceConfig.get('cfg-auto')).reportedAt !== null, 60_000, 100);
  });
  after(async () => {
    await fleet?.stop();
    await agent.stop({ clean: true });
    await t.stop();
  });

  const runToEnd = async (name: string) => {
    const run = await t.admin.automations.run(name);
    return eventually(
      async () => {
        const r = await t.admin.automations.runShow(run.id);
        return r.state === 'running' ? null : r;
      },
      90_000,
      200,
    );
  };

  it('a config_override step sets the value on the device, waits until it reports it, and is audited as the automation', async () => {
    await t.admin.automations.create({
      name: 'ssh-port',
      trigger: { kind: 'manual' },
      target: { kind: 'devices', group: 'steps' },
      steps: [{ type: 'config_override', values: { 'ssh.port': 2200 }, timeoutS: 60 }],
    });
    const done = await runToEnd('ssh-port');
    assert.equal(done.state, 'succeeded', JSON.stringify(done));
    assert.equal((await store.read())['ssh.port'], 2200);
    const [dev] = (await t.admin.automations.runDevices(done.id)).items;
    assert.deepEqual(dev.steps[0].output, { compliance: 'compliant' });
    const audit = await t.admin.audit.list({ action: 'config.override.set', limit: 5 });
    assert.equal(audit.items[0].actor, 'automation:ssh-port@v1');
    assert.equal(audit.items[0].target, 'device:cfg-auto');
  });

  it('an enforce_template step puts a drifted report-policy template back on the device and waits for compliance', async () => {
    await t.admin.templates.create({
      name: 'quiet-logs',
      priority: 10,
      policy: 'report',
      target: { group: 'steps' },
      settings: { 'logging.level': 'warning' },
    });
    await eventually(async () => (await store.read())['logging.level'] === 'warning', 60_000, 100);
    store.tamper({ 'logging.level': 'debug' }, 'technician');
    await eventually(
      async () =>
        (await t.admin.compliance.devices({ template: 'quiet-logs' })).items.find((r) => r.deviceId === 'cfg-auto')
          ?.state === 'drifted',
      60_000,
      200,
    );
    await t.admin.automations.create({
      name: 'enforce-quiet',
      trigger: { kind: 'manual' },
      target: { kind: 'devices', group: 'steps' },
      steps: [{ type: 'enforce_template', templateId: 'quiet-logs', timeoutS: 60 }],
    });
    const done = await runToEnd('enforce-quiet');
    assert.equal(done.state, 'succeeded', JSON.stringify(done));
    assert.equal((await store.read())['logging.level'], 'warning');
    const [dev] = (await t.admin.automations.runDevices(done.id)).items;
    assert.deepEqual(dev.steps[0].output, { compliance: 'compliant', template: 'quiet-logs' });
  });

  it('a rollout step makes one rollout for the run, which the simulated devices install; the step carries its id', async () => {
    fleet = await startUpdateFleet(t, 3, { prefix: 'ro', rebootDelayMs: 200 });
    await eventually(
      async () => (await t.admin.devices.list({ filter: 'id ~ "ro-" and online', limit: 1, count: true })).total === 3,
      60_000,
      200,
    );
    const art = await releaseArtifact(t, keys, { version: '7.1.0', models: MODELS, size: 4096 });
    await t.admin.automations.create({
      name: 'firmware-71',
      trigger: { kind: 'manual' },
      target: { kind: 'devices', filter: 'id ~ "ro-"' },
      steps: [
        {
          type: 'rollout',
          artifactId: art.id,
          waves: [{ count: 1 }, { percent: 100 }],
          successThresholdPct: 100,
          waitFor: 'finished',
          timeoutS: 180,
        },
      ],
    });
    const done = await runToEnd('firmware-71');
    assert.equal(done.state, 'succeeded', JSON.stringify(done));
    const devices = (await t.admin.automations.runDevices(done.id)).items;
    const ids = new Set(devices.map((d) => (d.steps[0].output as { rolloutId: string }).rolloutId));
    assert.equal(ids.size, 1, 'one rollout for the whole run');
    const rollout = await t.admin.rollouts.get([...ids][0]);
    assert.equal(rollout.state, 'completed');
    assert.equal(rollout.counts.succeeded, 3);
    assert.deepEqual(
      rollout.waves.map((w) => w.size),
      [1, 2],
    );
    assert.equal(rollout.createdBy, 'automation:firmware-71@v1');
  });
});
