// One device flooding a topic is held to its rate: the excess is dropped and counted, the episode
// is audited once, other topics and other devices are untouched.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { MqttClient } from 'mqtt';
import { deviceTopic } from '@outpost/protocol';
import { eventually, startTestHub, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, rawClient } from './support/devices.js';

const BURST = 20;
const PER_MINUTE = 60;
const FLOOD = 600;

const health = (i: number) =>
  JSON.stringify({ v: 1, ts: Date.now() + i, uptimeS: i, cpuPct: 1, memUsedPct: 2, diskUsedPct: 3 });

describe('per-device message rate limit', { timeout: 120_000 }, () => {
  let t: TestHub;
  let flooder: MqttClient;
  let quiet: MqttClient;

  before(async () => {
    t = await startTestHub({ deviceMessageBurst: BURST, deviceMessagesPerMinute: PER_MINUTE });
    const a = await enrollTestDevice(t, 'flood-dev-1');
    const b = await enrollTestDevice(t, 'flood-dev-2');
    flooder = await rawClient(t, a, a.id);
    quiet = await rawClient(t, b, b.id);
  });
  after(async () => {
    flooder?.end(true);
    quiet?.end(true);
    await t?.stop();
  });

  const stored = async (id: string) =>
    Number(
      (
        await t.hub.db
          .selectFrom('health_samples')
          .select((e) => e.fn.countAll().as('n'))
          .where('device_id', '=', id)
          .executeTakeFirstOrThrow()
      ).n,
    );
  async function droppedCount(): Promise<number> {
    const text = (await t.hub.app.inject({ method: 'GET', url: '/metrics' })).body;
    const line = text
      .split('\n')
      .find((l) => l.startsWith('outpost_device_messages_rejected_total{reason="rate_limited"}'));
    return line ? Number(line.split(' ').pop()) : 0;
  }

  it('stores at most the burst plus the rate of a health flood, drops and counts the rest, audits one episode', async () => {
    const started = Date.now();
    for (let i = 0; i < FLOOD; i++)
      await flooder.publishAsync(deviceTopic('flood-dev-1', 'health'), health(i), { qos: 1 });
    const seconds = (Date.now() - started) / 1000;
    // Every message was acknowledged (QoS 1): the device is not cut off, its excess is dropped.
    const allowed = BURST + Math.ceil((seconds * PER_MINUTE) / 60) + 1;
    await eventually(async () => (await stored('flood-dev-1')) >= BURST, 20_000);
    const kept = await stored('flood-dev-1');
    assert.ok(kept <= allowed, `${kept} health samples stored of ${FLOOD} sent in ${seconds.toFixed(1)} s`);
    assert.ok((await droppedCount()) >= FLOOD - allowed);
    const episodes = (await t.admin.audit.list({ action: 'device.rate_limited', target: 'device:flood-dev-1' })).items;
    assert.equal(episodes.length, 1, 'one security record per episode, not per message');
    assert.equal(episodes[0].outcome, 'denied');
    assert.deepEqual(episodes[0].details, { topic: 'health', perMinute: PER_MINUTE, burst: BURST });

    // Another device, and the flooding device on another topic, are not held back.
    for (let i = 0; i < 5; i++) await quiet.publishAsync(deviceTopic('flood-dev-2', 'health'), health(i), { qos: 1 });
    await eventually(async () => (await stored('flood-dev-2')) === 5, 20_000);
    await flooder.publishAsync(
      deviceTopic('flood-dev-1', 'hello'),
      JSON.stringify({
        v: 1,
        agentVersion: 't',
        firmware: '1',
        model: 'm',
        bootId: 'b',
        healthIntervalS: 30,
        capabilities: [],
      }),
      { qos: 1 },
    );
    await eventually(async () => (await t.admin.devices.get('flood-dev-1')).presence === 'online', 20_000);
  });
});
