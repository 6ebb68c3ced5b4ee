import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deviceTopic } from '@outpost/protocol';
import { startTestHub, eventually, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, rawClient, startTestAgent, type EnrolledDevice } from './support/devices.js';

const run = promisify(execFile);
const hasMosquittoPub = ['/usr/bin/mosquitto_pub', '/usr/local/bin/mosquitto_pub'].some(existsSync);

function healthJson(cpu: number) {
  return JSON.stringify({ v: 1, ts: Date.now(), uptimeS: 10, cpuPct: cpu, memUsedPct: 20, diskUsedPct: 30 });
}

describe('device channel (MQTT over mutual TLS)', () => {
  let t: TestHub;
  let a: EnrolledDevice;
  let b: EnrolledDevice;
  before(async () => {
    t = await startTestHub();
    a = await enrollTestDevice(t, 'dev-a');
    b = await enrollTestDevice(t, 'dev-b');
  });
  after(() => t.stop());

  it('brings an agent online with its hello and health', async () => {
    const agent = startTestAgent(t, a, { index: 3 });
    try {
      const dev = await eventually(async () => {
        const d = await t.admin.devices.get('dev-a');
        return d.presence === 'online' && d.health && d.model ? d : null;
      });
      assert.ok(dev.firmware);
      assert.equal(dev.ip, '127.0.0.1');
      assert.equal(typeof dev.health?.cpuPct, 'number');
    } finally {
      await agent.stop({ clean: true });
    }
    await eventually(async () => (await t.admin.devices.get('dev-a')).presence === 'offline');
  });

  it(
    'lets mosquitto_pub with a device certificate publish that device health',
    { skip: !hasMosquittoPub && 'mosquitto_pub not installed' },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'outpost-mq-'));
      writeFileSync(join(dir, 'key.pem'), a.keyPem);
      writeFileSync(join(dir, 'cert.pem'), a.certPem);
      writeFileSync(join(dir, 'ca.pem'), a.caPem);
      const args = (clientId: string, topic: string, payload: string) => [
        '-h',
        '127.0.0.1',
        '-p',
        String(t.hub.mqttPort),
        '--cafile',
        join(dir, 'ca.pem'),
        '--cert',
        join(dir, 'cert.pem'),
        '--key',
        join(dir, 'key.pem'),
        '-i',
        clientId,
        '-t',
        topic,
        '-m',
        payload,
        '-q',
        '1',
        '-V',
        'mqttv311',
      ];
      await run('mosquitto_pub', args('dev-a', deviceTopic('dev-a', 'health'), healthJson(77.5)));
      await eventually(async () => (await t.admin.devices.get('dev-a')).health?.cpuPct === 77.5);

      // Another device's client id with dev-a's certificate: the broker refuses the connection.
      await assert.rejects(run('mosquitto_pub', args('dev-b', deviceTopic('dev-b', 'health'), healthJson(11))));
      // dev-a's identity publishing to dev-b's topic: refused (the broker drops the connection), nothing stored.
      await run('mosquitto_pub', args('dev-a', deviceTopic('dev-b', 'health'), healthJson(12))).catch(() => undefined);
      const refused = await eventually(async () => {
        const r = await t.admin.audit.list({ action: 'device.refused' });
        return r.items.some((x) => String(x.details.reason).startsWith('publish_forbidden')) ? r : null;
      });
      const devB = await t.admin.devices.get('dev-b');
      assert.equal(devB.health, null);
      assert.ok(refused.items.some((r) => r.actor === 'dev-b' && r.details.reason === 'client_id_not_certificate_cn'));
      assert.ok(
        refused.items.some((r) => r.actor === 'dev-a' && String(r.details.reason).startsWith('publish_forbidden')),
      );
    },
  );

  it('refuses to let a device subscribe to another device or publish hub-only topics', async () => {
    const c = await rawClient(t, a, 'dev-a');
    try {
      // The broker answers SUBACK 0x80 (failure), which mqtt.js turns into an error.
      await assert.rejects(c.subscribeAsync(deviceTopic('dev-b', 'cmd/req')), /Subscribe error/);
      await assert.rejects(c.subscribeAsync('outpost/v1/d/+/cmd/req'), /Subscribe error/);
      const own = await c.subscribeAsync(deviceTopic('dev-a', 'cmd/req'), { qos: 1 });
      assert.equal(own[0].qos, 1);
      const closed = new Promise<void>((r) => c.once('close', () => r()));
      c.publish(deviceTopic('dev-a', 'cmd/req'), '{}', { qos: 1 });
      await closed;
    } finally {
      c.end(true);
    }
  });

  it('keeps the hub running and the device connected when a payload is malformed', async () => {
    const c = await rawClient(t, a, 'dev-a');
    try {
      // Four kinds of bad payload; the hub audits at most five rejections per device per minute.
      for (const bad of [
        '{not json',
        JSON.stringify({ v: 9, ts: 1 }),
        JSON.stringify({ v: 1, ts: 'x' }),
        'x'.repeat(100_000),
      ]) {
        await c.publishAsync(deviceTopic('dev-a', 'health'), bad, { qos: 1 });
      }
      await c.publishAsync(deviceTopic('dev-a', 'events'), JSON.stringify({ v: 1, events: [] }), { qos: 1 });
      assert.equal(c.connected, true);
      await c.publishAsync(deviceTopic('dev-a', 'health'), healthJson(42.5), { qos: 1 });
      await eventually(async () => (await t.admin.devices.get('dev-a')).health?.cpuPct === 42.5);
      const rejected = await t.admin.audit.list({ action: 'device.message_rejected' });
      const codes = new Set(rejected.items.map((r) => r.details.code));
      for (const code of ['malformed_json', 'validation_failed', 'schema_version_unsupported', 'payload_too_large'])
        assert.ok(codes.has(code), code);
    } finally {
      c.end(true);
    }
  });

  it('answers a ping command with a result, and refuses a device answering another device command', async () => {
    const agent = startTestAgent(t, b, { index: 5 });
    try {
      await eventually(async () => (await t.admin.devices.get('dev-b')).presence === 'online');
      const r = await t.admin.devices.command('dev-b', 'ping', { wait: true, timeoutS: 10 });
      assert.equal(r.state, 'succeeded');
      assert.equal((r.result as { pong: boolean }).pong, true);

      // dev-a tries to answer a command addressed to dev-b.
      const pending = await t.admin.devices.command('dev-b', 'get-info', { timeoutS: 10 });
      const c = await rawClient(t, a, 'dev-a');
      await c.publishAsync(
        deviceTopic('dev-a', 'cmd/res'),
        JSON.stringify({ v: 1, id: pending.id, ok: false, error: { code: 'x', message: 'forged' } }),
        { qos: 1 },
      );
      c.end(true);
      const done = await t.admin.commands.get(pending.id, 5000);
      assert.equal(done.state, 'succeeded');
      assert.equal((done.result as { deviceId: string }).deviceId, 'dev-b');
    } finally {
      await agent.stop({ clean: true });
    }
  });

  it('times out a command to an offline device at its deadline', async () => {
    const r = await t.admin.devices.command('dev-a', 'ping', { timeoutS: 1 });
    assert.equal(r.state, 'pending');
    const done = await eventually(async () => {
      const c = await t.admin.commands.get(r.id);
      return c.state === 'timed_out' ? c : null;
    }, 5000);
    assert.match(done.error ?? '', /deadline/);
  });

  it('marks a silent device offline after its heartbeat timeout and drops the link', async () => {
    const c = await rawClient(t, a, 'dev-a');
    const closed = new Promise<void>((r) => c.once('close', () => r()));
    const hello = {
      v: 1,
      agentVersion: 't',
      firmware: '1.0.0',
      model: 'm',
      bootId: 'b',
      healthIntervalS: 1,
      capabilities: [],
    };
    await c.publishAsync(deviceTopic('dev-a', 'hello'), JSON.stringify(hello), { qos: 1 });
    await eventually(async () => (await t.admin.devices.get('dev-a')).presence === 'online');
    const started = Date.now();
    await eventually(async () => (await t.admin.devices.get('dev-a')).presence === 'offline', 8000);
    const took = Date.now() - started;
    // heartbeatFactor 3 × 1 s interval, plus the sweep period; not before the timeout.
    assert.ok(took >= 2000, `went offline after ${took} ms`);
    await closed;
  });
});
