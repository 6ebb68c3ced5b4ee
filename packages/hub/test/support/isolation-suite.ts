import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { deviceTopic, SCHEMA_VERSION } from '@outpost/protocol';
import { createKeyAndCsr, type Agent } from '@outpost/agent';
import { eventually, startTestHub, type TestHub } from './test-hub.js';
import { enrollTestDevice, rawClient, startTestAgent, type EnrolledDevice } from './devices.js';
import { startHubOnMosquitto, type MosquittoBroker } from './mosquitto-broker.js';
import { loadOrCreateCa } from '../../src/domains/pki/ca.js';
import { loadOrCreateKek } from '../../src/domains/pki/kek.js';

/**
 * How one broker shows the refusals: the security outcome is asserted the same for every broker,
 * the mechanics (what a client sees) differ and are named here.
 */
export interface BrokerMechanics {
  kind: 'embedded' | 'mosquitto';
  foreignCa: RegExp;
  expired: RegExp;
  revoked: RegExp;
  /** What a subscription to `#` or another device's topic gets: refused (SUBACK 0x80) or granted and filtered. */
  foreignSubscribe: 'refused' | 'granted';
  /** Another device's client id with this device's certificate: refused, or made this device's own session. */
  foreignClientId: 'refused' | 'own-session';
}

export const EMBEDDED: BrokerMechanics = {
  kind: 'embedded',
  foreignCa: /closed before connect|ECONNRESET|socket hang up/,
  // The hub never recorded the back-dated certificate: admission refuses it by name before its expiry.
  expired: /Not authorized/,
  revoked: /Not authorized/,
  foreignSubscribe: 'refused',
  foreignClientId: 'refused',
};

export const MOSQUITTO: BrokerMechanics = {
  kind: 'mosquitto',
  foreignCa: /alert unknown ca/,
  expired: /alert certificate expired/,
  revoked: /alert certificate revoked/,
  foreignSubscribe: 'granted',
  foreignClientId: 'own-session',
};

const health = (cpu: number) =>
  JSON.stringify({ v: SCHEMA_VERSION, ts: Date.now(), uptimeS: 10, cpuPct: cpu, memUsedPct: 20, diskUsedPct: 30 });
const hello = JSON.stringify({
  v: SCHEMA_VERSION,
  agentVersion: 't',
  firmware: '1.0.0',
  model: 'iso',
  bootId: 'b',
  healthIntervalS: 30,
  capabilities: [],
});

/** Announces a raw client as its device would: retained birth (external brokers' presence) and hello. */
async function announce(c: MqttClient, id: string) {
  await c.publishAsync(
    deviceTopic(id, 'status'),
    JSON.stringify({ v: SCHEMA_VERSION, state: 'online', ts: Date.now() }),
    {
      qos: 1,
      retain: true,
    },
  );
  await c.publishAsync(deviceTopic(id, 'hello'), hello, { qos: 1 });
}

/**
 * Publishes at QoS 1 and resolves when the broker acknowledged it or closed the connection (the
 * embedded broker closes a client that publishes a forbidden topic; mqtt.js then never settles it).
 */
function tryPublish(c: MqttClient, topic: string, payload: string): Promise<'acked' | 'closed'> {
  if (!c.connected) return Promise.resolve('closed');
  return new Promise((resolve) => {
    c.once('close', () => resolve('closed'));
    c.publishAsync(topic, payload, { qos: 1 }).then(
      () => resolve('acked'),
      () => resolve('closed'),
    );
  });
}

/**
 * The device isolation suite: what a device can reach on the broker it is given, the same
 * assertions for the embedded broker and for Mosquitto configured by `outpost hub broker-config`.
 */
export function deviceIsolationSuite(m: BrokerMechanics) {
  describe(`device isolation on the ${m.kind} broker`, () => {
    let t: TestHub;
    let broker: MosquittoBroker | undefined;
    let a: EnrolledDevice;
    let b: EnrolledDevice;
    let agentB: Agent;
    const clients: MqttClient[] = [];
    const connect = async (cert: { keyPem: string; certPem: string; caPem: string }, clientId: string) => {
      const c = await rawClient(t, cert, clientId);
      clients.push(c);
      return c;
    };
    before(async () => {
      if (m.kind === 'embedded') t = await startTestHub();
      else
        ({
          t,
          brokers: [broker],
        } = await startHubOnMosquitto(1));
      a = await enrollTestDevice(t, 'iso-a');
      b = await enrollTestDevice(t, 'iso-b');
      agentB = startTestAgent(t, b, { index: 2 });
      await eventually(async () => (await t.admin.devices.get('iso-b')).presence === 'online', 30_000);
    });
    after(async () => {
      for (const c of clients) c.end(true);
      await agentB?.stop({ clean: true }).catch(() => undefined);
      await t?.stop();
    });

    it("delivers nothing of another device to a device subscribed to '#' and to the other's topics", async () => {
      const c = await connect(a, 'iso-a');
      const seen: string[] = [];
      c.on('message', (topic) => seen.push(topic));
      const granted: Record<string, boolean> = {};
      for (const filter of ['#', 'outpost/v1/d/+/cmd/req', deviceTopic('iso-b', 'cmd/req')])
        granted[filter] = await c.subscribeAsync(filter, { qos: 1 }).then(
          (g) => g[0].qos < 128,
          () => false,
        );
      await c.subscribeAsync(deviceTopic('iso-a', 'cmd/req'), { qos: 1 });
      await announce(c, 'iso-a');
      await eventually(async () => (await t.admin.devices.get('iso-a')).presence === 'online', 15_000);
      // The other device gets its command (it answers, so the message flowed), this one its own.
      const r = await t.admin.devices.command('iso-b', 'ping', { wait: true, timeoutS: 15 });
      assert.equal(r.state, 'succeeded');
      await t.admin.devices.command('iso-a', 'ping', { timeoutS: 5 });
      await eventually(() => seen.includes(deviceTopic('iso-a', 'cmd/req')), 15_000);
      assert.deepEqual(
        seen.filter((topic) => !topic.startsWith('outpost/v1/d/iso-a/')),
        [],
        'nothing of another device arrives',
      );
      // Mechanics, per broker: the embedded broker refuses the SUBSCRIBE, Mosquitto grants it and filters at delivery.
      const expect = m.foreignSubscribe === 'granted';
      assert.deepEqual(granted, {
        '#': expect,
        'outpost/v1/d/+/cmd/req': expect,
        [deviceTopic('iso-b', 'cmd/req')]: expect,
      });
    });

    it("stores nothing a device publishes under another device's topics or on hub-only topics", async () => {
      let c = await connect(a, 'iso-a');
      for (const [topic, payload] of [
        [deviceTopic('iso-b', 'health'), health(12)],
        [deviceTopic('iso-b', 'events'), JSON.stringify({ v: SCHEMA_VERSION, events: [] })],
        [deviceTopic('iso-a', 'cmd/req'), '{}'],
        [deviceTopic('iso-b', 'desired'), '{}'],
      ]) {
        // A fresh link where the broker cut the last one (the embedded broker's way).
        if (!c.connected) c = await connect(a, 'iso-a');
        await tryPublish(c, topic, payload);
      }
      // Its own report still lands.
      const own = c.connected ? c : await connect(a, 'iso-a');
      await own.publishAsync(deviceTopic('iso-a', 'health'), health(13.5), { qos: 1 });
      await eventually(async () => (await t.admin.devices.get('iso-a')).health?.cpuPct === 13.5, 15_000);
      const bHealth = (await t.admin.devices.get('iso-b')).health as { cpuPct?: number } | null;
      assert.notEqual(bHealth?.cpuPct, 12, "the other device's health is its own");
    });

    it("cannot take or kick another device's session with the other's client id", async () => {
      const agentOnline = () => agentB.state() === 'online';
      assert.ok(agentOnline());
      const connectsBefore = agentB.stats().connects;
      const taken = await rawClient(t, a, 'iso-b').then(
        (c) => (clients.push(c), c),
        (err: Error) => err,
      );
      if (m.foreignClientId === 'refused') assert.match(String(taken), /Not authorized|Identifier rejected|closed/);
      else {
        // Mosquitto: the client id becomes the certificate's name, so the session is iso-a's own.
        assert.ok(!(taken instanceof Error), String(taken));
        await tryPublish(taken, deviceTopic('iso-b', 'health'), health(66));
      }
      await new Promise((r) => setTimeout(r, 1500));
      assert.ok(
        agentOnline() && agentB.stats().connects === connectsBefore,
        "the other device's session was not touched",
      );
      const bHealth = (await t.admin.devices.get('iso-b')).health as { cpuPct?: number } | null;
      assert.notEqual(bHealth?.cpuPct, 66);
    });

    it("refuses another CA's certificate and an expired one, naming the reason", async () => {
      const otherDir = mkdtempSync(join(tmpdir(), 'outpost-rogue-ca-'));
      try {
        const rogue = await loadOrCreateCa({ dataDir: otherDir, kek: await loadOrCreateKek({ dataDir: otherDir }) });
        const k = await createKeyAndCsr('iso-a');
        const forged = await rogue.signDeviceCsr(k.csrPem, 'iso-a');
        await assert.rejects(
          rawClient(t, { keyPem: k.privateKeyPem, certPem: forged.certPem, caPem: a.caPem }, 'iso-a'),
          m.foreignCa,
        );
        const ca = await loadOrCreateCa({ dataDir: t.dir, kek: await loadOrCreateKek({ dataDir: t.dir }) });
        const old = await ca.signDeviceCsr(k.csrPem, 'iso-a', {
          now: new Date(Date.now() - 2 * 365 * 86_400_000),
          validityDays: 365,
        });
        await assert.rejects(
          rawClient(t, { keyPem: k.privateKeyPem, certPem: old.certPem, caPem: a.caPem }, 'iso-a'),
          m.expired,
        );
      } finally {
        rmSync(otherDir, { recursive: true, force: true });
        rmSync(`${otherDir}.kek`, { force: true });
      }
    });

    if (m.kind === 'mosquitto')
      it('(Mosquitto) keeps devices off the hub backend listener: it trusts the backend CA only', async () => {
        await assert.rejects(
          new Promise((resolve, reject) => {
            const c = mqtt.connect(`mqtts://127.0.0.1:${broker!.backendPort}`, {
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
      });

    if (m.kind === 'embedded')
      it('(embedded) closes the connection of a device that publishes a forbidden topic', async () => {
        const c = await connect(a, 'iso-a');
        const closed = new Promise<void>((r) => c.once('close', () => r()));
        c.publish(deviceTopic('iso-b', 'health'), health(1), { qos: 1 });
        await closed;
      });

    it('drops a connected device within 5 s of its revocation and refuses it afterwards', async () => {
      const c = await connect(a, 'iso-a');
      await announce(c, 'iso-a');
      await eventually(async () => (await t.admin.devices.get('iso-a')).presence === 'online', 15_000);
      const closed = new Promise<number>((r) => c.once('close', () => r(Date.now())));
      const started = Date.now();
      await t.admin.devices.revoke('iso-a', 'stolen from the cabinet');
      const tookMs = (await closed) - started;
      console.log(`${m.kind}: revocation dropped the live session after ${tookMs} ms`);
      assert.ok(tookMs < 5000, `dropped after ${tookMs} ms`);
      await assert.rejects(rawClient(t, a, 'iso-a'), m.revoked);
    });
  });
}
