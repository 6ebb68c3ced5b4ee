// The relay's device leg checks a device certificate the way the MQTT broker does, and every
// refusal names its reason; a resumed TLS session cannot outlive the certificate it began with.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import mqtt, { type MqttClient } from 'mqtt';
import { createKeyAndCsr } from '@outpost/agent';
import { dialRelay } from '@outpost/client/relay';
import { deviceTopic, RELAY_DEVICE_PATH, type AccessOpenMessage } from '@outpost/protocol';
import type { OutpostClient } from '@outpost/client';
import { eventually, hubTestClock, startTestHub, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, rawClient, type EnrolledDevice } from './support/devices.js';
import { operatorLeg } from './support/access-peers.js';
import { loadOrCreateCa } from '../src/domains/pki/ca.js';
import { loadOrCreateKek } from '../src/domains/pki/kek.js';
import type { ManualClock } from '../src/platform/manual-clock.js';

const CERT_LIFETIME_S = 3600;

describe('the relay device leg and resumed sessions', { timeout: 120_000 }, () => {
  let t: TestHub;
  let clock: ManualClock;
  let op: OutpostClient;
  let dev: EnrolledDevice;
  let device: MqttClient;
  const requests: AccessOpenMessage[] = [];
  const rogueDir = mkdtempSync(join(tmpdir(), 'outpost-rogue-ca-'));

  before(async () => {
    clock = hubTestClock();
    // Session tickets on (off by default): a test below resumes an MQTT session.
    t = await startTestHub({ deviceCertSeconds: CERT_LIFETIME_S, mqttSessionTickets: true }, undefined, { clock });
    dev = await enrollTestDevice(t, 'leg-dev-1');
    await t.admin.access.createPolicy({
      name: 'leg',
      deviceId: dev.id,
      targets: ['tcp:9'],
      mfaMaxAgeS: null,
      maxConcurrent: 5,
    });
    op = await t.userClient('operator');
    // The device played by hand over MQTT, so the test holds the device's tokens.
    device = await rawClient(t, dev, dev.id);
    await device.subscribeAsync(deviceTopic(dev.id, 'access/req'), { qos: 1 });
    device.on('message', (_topic, payload) => requests.push(JSON.parse(payload.toString()) as AccessOpenMessage));
    await device.publishAsync(
      deviceTopic(dev.id, 'hello'),
      JSON.stringify({
        v: 1,
        agentVersion: 't',
        firmware: '1',
        model: 'm',
        bootId: 'b',
        healthIntervalS: 3600,
        capabilities: [],
      }),
      { qos: 1 },
    );
    await eventually(async () => (await t.admin.devices.get(dev.id)).presence === 'online', 20_000);
  });
  after(async () => {
    device?.end(true);
    await t?.stop();
    rmSync(rogueDir, { recursive: true, force: true });
  });

  async function openSession(durationS = 600) {
    const r = await op.access.request({ deviceId: dev.id, target: 'tcp:9', reason: 'leg test', durationS });
    const m = await eventually(() => requests.find((x) => x.session === r.session.id), 20_000);
    return { r, m };
  }

  const deviceLeg = (m: AccessOpenMessage, cert: { keyPem?: string; certPem?: string } = dev, token = m.token) =>
    dialRelay({
      url: `${t.hub.httpUrl.replace(/^http/, 'ws')}${RELAY_DEVICE_PATH}`,
      session: m.session,
      token,
      options: { ...(cert.keyPem ? { key: cert.keyPem, cert: cert.certPem } : {}), ca: t.hub.caPem },
    });

  async function metric(name: string, labels: string): Promise<number> {
    const text = (await t.hub.app.inject({ method: 'GET', url: '/metrics' })).body;
    const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
    return line ? Number(line.split(' ').pop()) : 0;
  }

  async function deviceRefusals(id: string): Promise<string[]> {
    const items = (await t.admin.audit.list({ action: 'device.refused', target: `device:${id}`, limit: 100 })).items;
    return items.map((a) => String(a.details.reason));
  }

  it('refuses a device token presented a second time, nothing else changed', async () => {
    const { r, m } = await openSession();
    const first = deviceLeg(m);
    first.ready.catch(() => undefined);
    await eventually(
      async () =>
        (await t.admin.audit.list({ action: 'access.relay.join', target: `access-session:${r.session.id}` })).items
          .length === 1,
      20_000,
    );
    await assert.rejects(deviceLeg(m).ready, /the session did not start: token_spent/);
    const refused = (
      await t.admin.audit.list({ action: 'access.relay.refuse', target: `access-session:${r.session.id}` })
    ).items;
    assert.deepEqual(
      refused.map((a) => a.details),
      [{ leg: 'device', reason: 'token_spent' }],
    );
    first.close();
  });

  it('refuses an unspent device token presented after the session TTL', async () => {
    const { r, m } = await openSession(60);
    await clock.advance(61_000);
    await assert.rejects(deviceLeg(m).ready, /the session did not start: token_expired/);
    // The operator's unspent token is past its time too.
    await assert.rejects(operatorLeg(t, op, r).ready, /token_expired|session_not_open/);
    const refused = (
      await t.admin.audit.list({ action: 'access.relay.refuse', target: `access-session:${r.session.id}` })
    ).items;
    assert.ok(refused.some((a) => a.details.leg === 'device' && a.details.reason === 'token_expired'));
  });

  it('refuses the upgrade without a certificate, naming the reason', async () => {
    const { m } = await openSession();
    await assert.rejects(deviceLeg(m, {}).ready, /HTTP 403\): .*refused this certificate: certificate_missing/);
    assert.ok((await deviceRefusals('unknown')).includes('relay_certificate_missing'));
  });

  it('cuts a certificate from another CA at TLS, before any route, and counts it', async () => {
    const { m } = await openSession();
    const rogue = await loadOrCreateCa({ dataDir: rogueDir, kek: await loadOrCreateKek({ dataDir: rogueDir }) });
    const { privateKeyPem, csrPem } = await createKeyAndCsr(dev.id);
    const forged = await rogue.signDeviceCsr(csrPem, dev.id);
    const before = await metric('outpost_device_connections_refused_total', 'reason="https_certificate_not_trusted"');
    const err = await deviceLeg(m, { keyPem: privateKeyPem, certPem: forged.certPem }).ready.then(
      () => assert.fail('a forged certificate opened the relay'),
      (e: Error) => e,
    );
    // No HTTP answer at all: the connection ended at TLS.
    assert.doesNotMatch(err.message, /HTTP \d{3}/);
    assert.match(err.message, /socket hang up|ECONNRESET|closed|certificate/i);
    assert.equal(
      await metric('outpost_device_connections_refused_total', 'reason="https_certificate_not_trusted"'),
      before + 1,
    );
  });

  it('refuses a hub-signed certificate the hub never issued to the device', async () => {
    const { m } = await openSession();
    const ca = await loadOrCreateCa({ dataDir: t.dir, kek: await loadOrCreateKek({ dataDir: t.dir }) });
    const { privateKeyPem, csrPem } = await createKeyAndCsr(dev.id);
    const ghost = await ca.signDeviceCsr(csrPem, dev.id);
    await assert.rejects(
      deviceLeg(m, { keyPem: privateKeyPem, certPem: ghost.certPem }).ready,
      /HTTP 403\): .*certificate_unknown/,
    );
    assert.ok((await deviceRefusals(dev.id)).includes('relay_certificate_unknown'));
  });

  it('refuses a revoked certificate', async () => {
    const { m } = await openSession();
    const stolen = await enrollTestDevice(t, 'leg-dev-revoked');
    await t.admin.devices.revoke(stolen.id, 'stolen from the cabinet');
    await assert.rejects(deviceLeg(m, stolen).ready, /HTTP 403\): .*certificate_revoked/);
    assert.ok((await deviceRefusals(stolen.id)).includes('relay_certificate_revoked'));
  });

  it('refuses a certificate expired by the hub clock, at the relay and on a resumed MQTT session', async () => {
    // The certificate is checked before the session: a session past its time does not mask the reason.
    const { m } = await openSession();
    const resumer = await enrollTestDevice(t, 'leg-dev-resume');
    // A full handshake while the certificate is valid leaves the client a session ticket.
    const first = await connectKeepingSession(t, resumer);
    assert.equal(first.reused, false);
    first.client.end(true);
    const resumedBefore = await metric('outpost_device_tls_handshakes_total', 'resumed="yes"');

    // The certificates expire by the hub's clock. TLS, on the wall clock, still finds them valid; on
    // a resumed session it checks nothing at all. Only the hub's own check stands.
    await clock.advance((CERT_LIFETIME_S + 60) * 1000);

    await assert.rejects(deviceLeg(m).ready, /HTTP 403\): .*certificate_expired/);
    assert.ok((await deviceRefusals(dev.id)).includes('relay_certificate_expired'));

    const again = await connectKeepingSession(t, resumer, first.session).then(
      () => assert.fail('a resumed session outlived its certificate'),
      (e: Error & { reused?: boolean }) => e,
    );
    assert.match(again.message, /Not authorized/i);
    assert.equal(again.reused, true, 'the second connection resumed the first TLS session');
    assert.equal(await metric('outpost_device_tls_handshakes_total', 'resumed="yes"'), resumedBefore + 1);
    await eventually(async () => (await deviceRefusals(resumer.id)).includes('certificate_expired'), 10_000);
  });
});

/** An MQTT connection with a device's certificate that hands back its TLS session for resumption. */
function connectKeepingSession(
  t: TestHub,
  d: EnrolledDevice,
  session?: Buffer,
): Promise<{ client: MqttClient; session: Buffer; reused: boolean }> {
  return new Promise((resolve, reject) => {
    let ticket: Buffer | undefined;
    let reused = false;
    const client = mqtt.connect(`mqtts://127.0.0.1:${t.hub.mqttPort}`, {
      clientId: d.id,
      key: d.keyPem,
      cert: d.certPem,
      ca: d.caPem,
      protocolVersion: 4,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      ...(session ? { session } : {}),
    } as mqtt.IClientOptions);
    const sock = client.stream as TLSSocket;
    sock.on('session', (s: Buffer) => (ticket = s));
    sock.once('secureConnect', () => (reused = sock.isSessionReused()));
    const fail = (err: Error) => {
      client.end(true);
      reject(Object.assign(err, { reused }));
    };
    client.once('connect', () => {
      // TLS 1.3 sends its ticket after the handshake; wait for it.
      const started = Date.now();
      const wait = () => {
        if (ticket) return resolve({ client, session: ticket, reused });
        if (Date.now() - started > 10_000) return fail(new Error('no TLS session ticket'));
        setTimeout(wait, 20);
      };
      wait();
    });
    client.once('error', fail);
    client.once('close', () => fail(new Error('closed before connect')));
  });
}
