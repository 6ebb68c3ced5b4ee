import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { DataPushDelivery } from '@outpost/protocol';
import { ApiError } from '@outpost/client';
import { startDataDevice, type DataDevice } from './support/data-device.js';
import { enrollTestDevice, type EnrolledDevice } from './support/devices.js';
import { startWebhookReceiver } from './support/notify-receivers.js';
import { eventually, startTestHub, type TestHub } from './support/test-hub.js';

// Data subscriptions end to end: devices publish `data` over the real broker; the hub pushes the
// selected devices' selected points to a webhook channel, batched, signed with the channel's key,
// retried until the receiver takes them, in order.

describe('data subscriptions push new values to a webhook', () => {
  let t: TestHub;
  let plant: EnrolledDevice;
  let yard: EnrolledDevice;
  let plantData: DataDevice;
  let yardData: DataDevice;
  let secret = '';
  let hook: Awaited<ReturnType<typeof startWebhookReceiver>>;
  const t0 = Date.now() - 60_000;

  before(async () => {
    hook = await startWebhookReceiver(() => secret);
    t = await startTestHub({});
    for (const path of ['plant', 'yard']) await t.admin.groups.create({ path, kind: 'static' });
    plant = await enrollTestDevice(t, 'tank-1', { group: 'plant' });
    yard = await enrollTestDevice(t, 'yard-1', { group: 'yard' });
    plantData = await startDataDevice(t, plant);
    yardData = await startDataDevice(t, yard);
  });
  after(async () => {
    plantData?.close();
    yardData?.close();
    await t?.stop();
    await hook?.stop();
    for (const d of [plant, yard]) if (d) rmSync(d.dir, { recursive: true, force: true });
  });

  it('delivers the selected values in signed batches, again after a 500, in order, and nothing of other devices', async () => {
    const wh = await t.admin.channels.create({
      name: 'data-hook',
      kind: 'webhook',
      config: { url: hook.url() },
      retry: { baseMs: 50, capMs: 200, maxAttempts: 20 },
    });
    secret = wh.secret!;
    const sub = await t.admin.data.subscriptions.create({
      name: 'plant tanks',
      channelId: wh.channel.id,
      group: 'plant',
      points: ['tank_*'],
      maxBatch: 4,
      maxDelayMs: 300,
    });
    assert.equal(sub.maxBatch, 4);
    // The first delivery is answered 500 after it was recorded: it must come again.
    hook.failAfterRecording(500);

    for (let i = 0; i < 3; i++)
      await plantData.publish([
        { p: 'tank_level', v: 40 + i, t: t0 + i * 1000 },
        { p: 'tank_temp', v: 20 + i, t: t0 + i * 1000 },
        { p: 'pump1.run', v: true, t: t0 + i * 1000 },
      ]);
    await yardData.publish([{ p: 'tank_level', v: 99, t: t0 }]);

    const deliveries = await eventually(() => {
      const u = hook.unique().map((r) => r.json as unknown as DataPushDelivery);
      const n = u.flatMap((d) => d.messages).reduce((s, m) => s + m.values.length, 0);
      return n >= 6 ? u : null;
    }, 60_000);

    // Signed with the channel's own key (the receiver checks it as an integrator would).
    assert.ok(
      hook.received.every((r) => r.signatureOk),
      JSON.stringify(hook.received.map((r) => r.reason)),
    );
    // At least once: the refused first delivery came again with the same key and number.
    const first = hook.received.filter(
      (r) => r.headers['idempotency-key'] === hook.received[0]!.headers['idempotency-key'],
    );
    assert.ok(first.length >= 2, `first delivery seen ${first.length} times`);
    assert.deepEqual(first[1]!.json, first[0]!.json);
    // In order: numbered 1, 2, … and no batch larger than the subscription's.
    assert.deepEqual(
      deliveries.map((d) => d.seq),
      deliveries.map((_, i) => i + 1),
    );
    for (const d of deliveries) {
      assert.equal(d.subscriptionId, sub.id);
      assert.equal(d.type, 'data');
      assert.ok(d.messages.reduce((s, m) => s + m.values.length, 0) <= 4);
    }
    const values = deliveries.flatMap((d) =>
      d.messages.flatMap((m) => m.values.map((v) => ({ dev: m.deviceId, ...v }))),
    );
    // Only the plant device, only tank_* points, each value once, in source order per point.
    assert.deepEqual(new Set(values.map((v) => v.dev)), new Set([plant.id]));
    assert.deepEqual(
      values.filter((v) => v.p === 'tank_level').map((v) => v.v),
      [40, 41, 42],
    );
    assert.deepEqual(
      values.filter((v) => v.p === 'tank_temp').map((v) => v.v),
      [20, 21, 22],
    );
    assert.equal(values.length, 6);
    // The yard device's value never went out, not even later: a plant value sent after it is delivered
    // (deliveries go out in the order values were stored), and the yard's is still not among them.
    await plantData.publish([{ p: 'tank_level', v: 43, t: t0 + 3000 }]);
    await eventually(() => hook.received.some((r) => /"v":43\b/.test(r.body)) || null, 60_000);
    assert.ok(!hook.received.some((r) => r.body.includes(yard.id)));

    const audit = await t.admin.audit.list({ action: 'data_subscription.create', limit: 5 });
    assert.equal(audit.items[0]?.target, `data_subscription:${sub.id}`);
  });

  it('refuses a viewer with the reason, a channel that is not a webhook, and a second subscription on one channel', async () => {
    const viewer = await t.userClient('viewer');
    const channelId = (await t.admin.data.subscriptions.list()).items[0]!.channelId;
    await assert.rejects(
      viewer.data.subscriptions.create({ name: 'mine', channelId, points: ['x'] }),
      (e: ApiError) => e.status === 403 && e.code === 'forbidden' && /needs the admin role/.test(e.message),
    );
    // A viewer who sees every device reads the list.
    assert.equal((await viewer.data.subscriptions.list()).items.length, 1);
    const mqtt = await t.admin.channels.create({ name: 'mq', kind: 'mqtt', config: { qos: 1 } });
    await assert.rejects(
      t.admin.data.subscriptions.create({ name: 'over mqtt', channelId: mqtt.channel.id, points: ['x'] }),
      (e: ApiError) => e.status === 400 && /is not a webhook/.test(e.message),
    );
    await assert.rejects(
      t.admin.data.subscriptions.create({ name: 'again', channelId, points: ['x'] }),
      (e: ApiError) => e.status === 409 && /another data subscription/.test(e.message),
    );
    const id = (await t.admin.data.subscriptions.list()).items[0]!.id;
    await t.admin.data.subscriptions.delete(id);
    assert.equal((await t.admin.data.subscriptions.list()).items.length, 0);
  });
});
