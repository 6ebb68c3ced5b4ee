import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mqtt from 'mqtt';
import { deviceTopic } from '@outpost/protocol';
import { createKeyAndCsr } from '@outpost/agent';
import { eventually, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, rawClient, startTestAgent, type EnrolledDevice } from './support/devices.js';
import { MOSQUITTO_BIN, startHubOnMosquitto, type MosquittoBroker } from './support/mosquitto-broker.js';
import { loadOrCreateCa } from '../src/domains/pki/ca.js';
import { loadOrCreateKek } from '../src/domains/pki/kek.js';

const run = promisify(execFile);
const skip = !MOSQUITTO_BIN && 'mosquitto not installed';

function healthJson(cpu: number) {
  return JSON.stringify({ v: 1, ts: Date.now(), uptimeS: 10, cpuPct: cpu, memUsedPct: 20, diskUsedPct: 30 });
}

describe('devices on an external Mosquitto broker', { skip }, () => {
  let t: TestHub;
  let broker: MosquittoBroker;
  let a: EnrolledDevice;
  let b: EnrolledDevice;
  before(async () => {
    const s = await startHubOnMosquitto();
    t = s.t;
    broker = s.brokers[0];
    a = await enrollTestDevice(t, 'ext-a');
    b = await enrollTestDevice(t, 'ext-b');
  });
  after(() => t?.stop());

  it('gives an enrolling device the broker address, and a real agent goes online and runs a command through it', async () => {
    assert.equal(t.hub.brokerUrlOf('ext-a'), `mqtts://127.0.0.1:${broker.devicePort}`);
    const agent = startTestAgent(t, a, { index: 3 });
    try {
      const dev = await eventually(async () => {
        const d = await t.admin.devices.get('ext-a');
        return d.presence === 'online' && d.health && d.model ? d : null;
      }, 20_000);
      assert.ok(dev.firmware);
      assert.equal(t.hub.brokerOf('ext-a'), `mqtts://127.0.0.1:${broker.devicePort}`);
      const r = await t.admin.devices.command('ext-a', 'ping', { wait: true, timeoutS: 15 });
      assert.equal(r.state, 'succeeded');
      assert.equal((r.result as { pong: boolean }).pong, true);
    } finally {
      await agent.stop({ clean: true });
    }
    await eventually(async () => (await t.admin.devices.get('ext-a')).presence === 'offline', 10_000);
  });

  it('confines a device to its own topics: mosquitto_pub and mosquitto_sub with its certificate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-mq-'));
    try {
      writeFileSync(join(dir, 'key.pem'), a.keyPem);
      writeFileSync(join(dir, 'cert.pem'), a.certPem);
      writeFileSync(join(dir, 'ca.pem'), a.caPem);
      const conn = (clientId: string) => [
        ...['-h', '127.0.0.1', '-p', String(broker.devicePort), '--cafile', join(dir, 'ca.pem')],
        ...['--cert', join(dir, 'cert.pem'), '--key', join(dir, 'key.pem'), '-i', clientId, '-V', 'mqttv311'],
      ];
      const pub = (clientId: string, topic: string, payload: string) =>
        run('mosquitto_pub', [...conn(clientId), '-t', topic, '-m', payload, '-q', '1']);
      await pub('ext-a', deviceTopic('ext-a', 'health'), healthJson(77.5));
      await eventually(async () => (await t.admin.devices.get('ext-a')).health?.cpuPct === 77.5, 10_000);

      // Everything dev-a can see, subscribed to '#' (and to dev-b's command topic by name) while the hub
      // sends dev-b a command: nothing of dev-b's arrives.
      const sub = run('mosquitto_sub', [
        ...conn('ext-a'),
        ...['-t', '#', '-t', deviceTopic('ext-b', 'cmd/req'), '-t', deviceTopic('ext-a', 'cmd/req'), '-v'],
        ...['-W', '4'],
      ]).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }));
      await new Promise((r) => setTimeout(r, 1000));
      await t.admin.devices.command('ext-b', 'ping', { timeoutS: 2 });
      await t.admin.devices.command('ext-a', 'ping', { timeoutS: 2 });
      const seen = (await sub).stdout;
      assert.match(seen, /outpost\/v1\/d\/ext-a\/cmd\/req/, 'its own command arrives');
      assert.doesNotMatch(seen, /ext-b/, 'nothing of another device arrives');

      // dev-a's certificate with dev-b's client id: the broker makes the session dev-a's (the client id
      // is the certificate's name), so it can neither act as dev-b nor publish under dev-b.
      await pub('ext-b', deviceTopic('ext-b', 'health'), healthJson(11)).catch(() => undefined);
      // dev-a publishing under dev-b, and on a hub-only topic of its own: dropped by the broker.
      await pub('ext-a', deviceTopic('ext-b', 'health'), healthJson(12)).catch(() => undefined);
      await pub('ext-a', deviceTopic('ext-a', 'cmd/req'), '{}').catch(() => undefined);
      await pub('ext-a', deviceTopic('ext-a', 'health'), healthJson(13.5));
      await eventually(async () => (await t.admin.devices.get('ext-a')).health?.cpuPct === 13.5, 10_000);
      assert.equal((await t.admin.devices.get('ext-b')).health, null);
      assert.match(broker.log(), /Client ext-b|ext-a/, 'the broker saw the attempts');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses another CA's certificate, an expired one and the hub backend listener to a device", async () => {
    const otherDir = mkdtempSync(join(tmpdir(), 'outpost-rogue-ca-'));
    try {
      const rogue = await loadOrCreateCa({ dataDir: otherDir, kek: await loadOrCreateKek({ dataDir: otherDir }) });
      const k = await createKeyAndCsr('ext-a');
      const forged = await rogue.signDeviceCsr(k.csrPem, 'ext-a');
      // Cut at TLS by the broker, naming the reason in its alert.
      await assert.rejects(
        rawClient(t, { keyPem: k.privateKeyPem, certPem: forged.certPem, caPem: a.caPem }, 'ext-a'),
        /alert unknown ca/,
      );
      const ca = await loadOrCreateCa({ dataDir: t.dir, kek: await loadOrCreateKek({ dataDir: t.dir }) });
      const old = await ca.signDeviceCsr(k.csrPem, 'ext-a', {
        now: new Date(Date.now() - 2 * 365 * 86_400_000),
        validityDays: 365,
      });
      await assert.rejects(
        rawClient(t, { keyPem: k.privateKeyPem, certPem: old.certPem, caPem: a.caPem }, 'ext-a'),
        /alert certificate expired/,
      );
      // The hub replicas' listener trusts the backend CA only: a device cannot even finish the handshake.
      await assert.rejects(
        new Promise((resolve, reject) => {
          const c = mqtt.connect(`mqtts://127.0.0.1:${broker.backendPort}`, {
            clientId: 'Outpost-Hub.forged',
            key: a.keyPem,
            cert: a.certPem,
            ca: a.caPem,
            reconnectPeriod: 0,
            connectTimeout: 5000,
          });
          c.once('connect', () => resolve(c.end(true)));
          c.once('error', (err) => reject(err));
          c.once('close', () => reject(new Error('closed before connect')));
        }),
        /alert unknown ca/,
      );
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
      rmSync(`${otherDir}.kek`, { force: true });
    }
  });

  it('drops a connected device within 5 s of its revocation and refuses it afterwards', async () => {
    const c = await rawClient(t, b, 'ext-b');
    await c.publishAsync(deviceTopic('ext-b', 'status'), JSON.stringify({ v: 1, state: 'online', ts: Date.now() }), {
      qos: 1,
      retain: true,
    });
    await eventually(async () => (await t.admin.devices.get('ext-b')).presence === 'online', 10_000);
    const closed = new Promise<number>((r) => c.once('close', () => r(Date.now())));
    const started = Date.now();
    await t.admin.devices.revoke('ext-b', 'stolen from the cabinet');
    const tookMs = (await closed) - started;
    c.end(true);
    console.log(`revocation dropped the live session after ${tookMs} ms`);
    assert.ok(tookMs < 5000, `dropped after ${tookMs} ms`);
    await assert.rejects(rawClient(t, b, 'ext-b'), /alert certificate revoked/);
  });
});
