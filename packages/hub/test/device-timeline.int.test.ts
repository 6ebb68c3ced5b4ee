import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Agent } from '@outpost/agent';
import type { OutpostClient } from '@outpost/client';
import { startTestHub, eventually, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, startTestAgent, type EnrolledDevice } from './support/devices.js';

const status = (code: number) => (e: { status: number }) => e.status === code;

describe('device timeline and announced commands, against a real hub and agent', () => {
  let t: TestHub;
  let dev: EnrolledDevice;
  let agent: Agent | undefined;
  let viewer: OutpostClient;
  before(async () => {
    t = await startTestHub({ alertEvalMs: 300 });
    dev = await enrollTestDevice(t, 'tl-1');
    viewer = await t.userClient('viewer');
    assert.deepEqual(await viewer.devices.supportedCommands(dev.id), { announced: false, items: [] });
    agent = startTestAgent(t, dev, { healthIntervalS: 1 });
    await eventually(async () => (await t.admin.devices.get(dev.id)).presence === 'online', 20_000, 100);
  });
  after(async () => {
    await agent?.stop();
    await t?.stop();
  });

  it('lists the commands of the hello, not its capability flags', async () => {
    const { announced, items } = await viewer.devices.supportedCommands(dev.id);
    assert.equal(announced, true);
    assert.deepEqual(
      items.map((c) => c.name),
      ['ping', 'reboot', 'get-info'],
    );
    assert.match(items[1].description ?? '', /Restarts the device/);
    await assert.rejects(viewer.devices.supportedCommands('nobody'), status(404));
  });

  it('marks the reboot sent, the alert fired and the offline stretch, oldest first', async () => {
    const r = await t.admin.devices.command(dev.id, 'reboot', { wait: true, timeoutS: 20 });
    assert.equal(r.state, 'succeeded');
    await t.admin.rules.create({
      name: 'cpu watch',
      type: 'metric',
      severity: 'warning',
      params: { metric: 'cpu', op: '>', threshold: -1 },
    });
    await eventually(async () => (await t.admin.alerts.list({ device: dev.id })).items.length > 0, 20_000, 200);
    await agent!.stop();
    agent = undefined;
    await eventually(async () => (await t.admin.devices.get(dev.id)).presence === 'offline', 20_000, 100);

    const tl = await viewer.devices.timeline(dev.id, 1);
    const byKind = (k: string) => tl.items.filter((m) => m.kind === k);
    assert.equal(byKind('reboot').length, 1);
    assert.equal(byKind('reboot')[0].label, 'reboot sent by admin (succeeded)');
    assert.equal(byKind('alert')[0]?.label, 'alert cpu watch (warning)');
    assert.deepEqual(
      byKind('offline').map((m) => m.until),
      [null],
      'offline now: the stretch is open',
    );
    assert.deepEqual(byKind('update'), []);
    const ats = tl.items.map((m) => m.at);
    assert.deepEqual(ats, [...ats].sort());
    assert.ok(ats.every((a) => a >= tl.from && a <= tl.to));

    // Bad ranges and unknown devices are refused.
    await assert.rejects(viewer.devices.timeline(dev.id, 0), status(400));
    await assert.rejects(viewer.devices.timeline('nobody', 1), status(404));
  });
});
