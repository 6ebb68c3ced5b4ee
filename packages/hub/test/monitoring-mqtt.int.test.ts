import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import mqtt, { type MqttClient } from 'mqtt';
import { createKeyAndCsr } from '@outpost/agent';
import { ALERTS_TOPIC_ROOT } from '@outpost/protocol';
import { startTestHub, eventually, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, rawClient } from './support/devices.js';

function connect(t: TestHub, clientId: string, keyPem: string, certPem: string, caPem: string): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(`mqtts://127.0.0.1:${t.hub.mqttPort}`, {
      clientId,
      key: keyPem,
      cert: certPem,
      ca: caPem,
      protocolVersion: 4,
      reconnectPeriod: 0,
      connectTimeout: 5000,
    });
    c.once('connect', () => resolve(c));
    c.once('error', (e) => (c.end(true), reject(e)));
    c.once('close', () => reject(new Error('closed before connect')));
  });
}

// The granted QoS, or 128 when the broker refused the subscription (mqtt.js reports that as an error).
const subscribe = (c: MqttClient, topic: string) =>
  new Promise<number>((resolve, reject) =>
    c.subscribe(topic, { qos: 1 }, (err, granted) => {
      const refused = (err as { packet?: { granted?: number[] } } | undefined)?.packet?.granted?.[0];
      if (err) return refused === 128 ? resolve(128) : reject(err);
      resolve(granted?.[0]?.qos ?? -1);
    }),
  );

describe('MQTT alert topic for integrators', () => {
  let t: TestHub;
  before(async () => {
    t = await startTestHub();
  });
  after(() => t.stop());

  it('delivers notifications to a certified integrator, who may only listen there', async () => {
    const { privateKeyPem, csrPem } = await createKeyAndCsr('integration.scada-bridge');
    const issued = await t.admin.mqttIntegrations.create('scada-bridge', csrPem);
    assert.equal(issued.clientId, 'integration.scada-bridge');
    const sub = await connect(t, issued.clientId, privateKeyPem, issued.certificatePem, issued.caPem);
    const got: Array<{ topic: string; body: Record<string, unknown> }> = [];
    sub.on('message', (topic, payload) =>
      got.push({ topic, body: JSON.parse(payload.toString()) as Record<string, unknown> }),
    );
    assert.equal(await subscribe(sub, `${ALERTS_TOPIC_ROOT}/#`), 1);
    assert.equal(await subscribe(sub, 'outpost/v1/d/+/health'), 128, 'device topics are not for integrators');
    assert.equal(await subscribe(sub, '#'), 128);
    // It is not a device: no presence, not counted.
    assert.equal((await t.admin.devices.list({ count: true, limit: 1 })).total, 0);

    const ch = await t.admin.channels.create({
      name: 'bus',
      kind: 'mqtt',
      config: { topic: `${ALERTS_TOPIC_ROOT}/scada` },
    });
    const { messageId } = await t.admin.channels.test(ch.channel.id);
    const m = await eventually(() => got[0], 5000);
    assert.equal(m.topic, `${ALERTS_TOPIC_ROOT}/scada`);
    assert.equal(m.body.type, 'test');
    assert.equal((await t.admin.notifications.get(messageId)).state, 'delivered');

    // Publishing there is the hub's alone: the integrator is cut off for trying.
    const closed = new Promise<void>((r) => sub.once('close', () => r()));
    sub.publish(`${ALERTS_TOPIC_ROOT}/scada`, '{"fake":true}', { qos: 1 });
    await closed;
    sub.end(true);
  });

  it('refuses a device publishing or subscribing on the alert topic, and a revoked integrator', async () => {
    const dev = await enrollTestDevice(t, 'nosy-1');
    const c = await rawClient(t, dev, 'nosy-1');
    assert.equal(await subscribe(c, `${ALERTS_TOPIC_ROOT}/#`), 128);
    const closed = new Promise<void>((r) => c.once('close', () => r()));
    c.publish(ALERTS_TOPIC_ROOT, '{"fake":true}', { qos: 1 });
    await closed;
    c.end(true);

    const { privateKeyPem, csrPem } = await createKeyAndCsr('integration.old-tool');
    const issued = await t.admin.mqttIntegrations.create('old-tool', csrPem);
    const live = await connect(t, issued.clientId, privateKeyPem, issued.certificatePem, issued.caPem);
    const dropped = new Promise<void>((r) => live.once('close', () => r()));
    await t.admin.mqttIntegrations.revoke(issued.integration.id);
    await dropped;
    live.end(true);
    await assert.rejects(connect(t, issued.clientId, privateKeyPem, issued.certificatePem, issued.caPem));
    const audit = (await t.admin.audit.list({ action: 'mqtt_integration.revoke' })).items;
    assert.equal(audit.length, 1);
  });
});
