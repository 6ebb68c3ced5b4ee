import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, rmSync } from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import { deviceTopic } from '@outpost/protocol';
import { postgresMissing, startTestPostgres, type TestPostgresCluster } from '../src/storage/test-postgres.js';
import type { ManualClock } from '../src/platform/manual-clock.js';
import { eventually, hubTestClock, startTestHub, type TestHub } from './support/test-hub.js';
import { deviceBrokerUrl, enrollTestDevice, type EnrolledDevice } from './support/devices.js';
import { MOSQUITTO_BIN, startHubOnMosquitto, type MosquittoBroker } from './support/mosquitto-broker.js';

// Two hub replicas on one PostgreSQL and one Mosquitto, sharing one clock. The presence sweep
// drops a device it judged stale through Mosquitto's dynamic security, which publishes no will:
// the replicas still hold the device as connected when it redials, and must still put it online.

const skip = (!MOSQUITTO_BIN && 'mosquitto not installed') || postgresMissing();
const INTERVAL_S = 60;
const status = (state: 'online' | 'offline') => JSON.stringify({ v: 1, state, ts: Date.now() });
const hello = JSON.stringify({
  v: 1,
  model: 'gw-200',
  firmware: '1.0.0',
  agentVersion: '0.1.0',
  bootId: 'boot-1',
  healthIntervalS: INTERVAL_S,
  capabilities: [],
});

/** A device that dials as the agent does (a will, a retained birth, a hello) and redials when dropped. */
function redialingDevice(t: TestHub, d: EnrolledDevice) {
  let closes = 0;
  const c: MqttClient = mqtt.connect(deviceBrokerUrl(t, d.id), {
    clientId: d.id,
    key: d.keyPem,
    cert: d.certPem,
    ca: d.caPem,
    protocolVersion: 4,
    reconnectPeriod: 200,
    connectTimeout: 5000,
    will: { topic: deviceTopic(d.id, 'status'), payload: Buffer.from(status('offline')), qos: 1, retain: true },
  });
  c.on('connect', () => {
    void c.publishAsync(deviceTopic(d.id, 'status'), status('online'), { qos: 1, retain: true }).catch(() => undefined);
    void c.publishAsync(deviceTopic(d.id, 'hello'), hello, { qos: 1 }).catch(() => undefined);
  });
  c.on('close', () => closes++);
  c.on('error', () => undefined);
  return { client: c, closes: () => closes };
}

describe('presence with two replicas on Mosquitto: a device the sweep dropped', { skip }, () => {
  let cluster: TestPostgresCluster;
  let a: TestHub | undefined;
  let b: TestHub | undefined;
  let broker: MosquittoBroker;
  let bDir = '';
  let clock: ManualClock;
  let dev: EnrolledDevice;

  before(async () => {
    cluster = await startTestPostgres();
    const url = await cluster.createDatabase('outpost');
    clock = hubTestClock();
    const s = await startHubOnMosquitto(1, { databaseUrl: url, brokerClientId: 'Outpost-Hub.replica-a' }, { clock });
    a = s.t;
    broker = s.brokers[0];
    bDir = `${a.dir}-b`;
    cpSync(a.dir, bDir, { recursive: true, filter: (src) => !src.endsWith('.lock') && !src.endsWith('.log') });
    cpSync(`${a.dir}.kek`, `${bDir}.kek`);
    b = await startTestHub(
      { databaseUrl: url, brokers: broker.entry, brokerDir: broker.dir, brokerClientId: 'Outpost-Hub.replica-b' },
      bDir,
      { clock },
    );
    dev = await enrollTestDevice(a, 'pres-1');
  });
  after(async () => {
    await b?.stop();
    await a?.stop();
    await cluster?.stop();
    if (bDir) rmSync(bDir, { recursive: true, force: true });
    rmSync(`${bDir}.kek`, { force: true });
  });

  const presenceOn = async (t: TestHub) => (await t.admin.devices.get(dev.id)).presence;
  const onlineOnBoth = async () => (await presenceOn(a!)) === 'online' && (await presenceOn(b!)) === 'online';

  it('is online again once it redials and talks, and offline once it goes', async () => {
    const device = redialingDevice(a!, dev);
    try {
      await eventually(onlineOnBoth, 30_000);
      // Three intervals of silence in hub time: a sweep marks it offline and drops its session.
      await clock.advance(3 * INTERVAL_S * 1000 + 1000);
      await eventually(() => device.closes() >= 1, 30_000);
      assert.match(a!.logText() + b!.logText(), /devices marked offline after missed heartbeats/);
      // No will came (dynamic security drops without it); the device redialled and sent its birth and hello.
      await eventually(async () => device.client.connected && (await onlineOnBoth()), 30_000);
      const changes = (await a!.admin.devices.availability(dev.id, 1)).changes.map((c) => c.state);
      assert.deepEqual(changes.slice(-3), ['online', 'offline', 'online']);
    } finally {
      // Gone without a DISCONNECT: the broker publishes its will.
      device.client.end(true);
    }
    await eventually(async () => (await presenceOn(a!)) === 'offline' && (await presenceOn(b!)) === 'offline', 30_000);
  });
});
