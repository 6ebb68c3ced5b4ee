import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { restartablePort, startTestHub, eventually, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, rawClient, startTestAgent } from './support/devices.js';
import { loadOrCreateCa } from '../src/domains/pki/ca.js';
import { loadOrCreateKek } from '../src/domains/pki/kek.js';
import { request } from 'node:https';
import { createKeyAndCsr, createMqttTransportFactory } from '@outpost/agent';

/** Fresh MQTT links of an enrolled device to the hub's broker on `port`, and the will each one sets. */
function deviceLinks(dev: Awaited<ReturnType<typeof enrollTestDevice>>, port: number) {
  const transports = createMqttTransportFactory({
    url: `mqtts://127.0.0.1:${port}`,
    deviceId: dev.id,
    keyPem: dev.keyPem,
    certPem: dev.certPem,
    caPem: dev.caPem,
  });
  return { transports, will: { topic: `outpost/v1/d/${dev.id}/status`, payload: JSON.stringify({ online: false }) } };
}

describe('device certificates', () => {
  let t: TestHub;
  before(async () => {
    // Session tickets on (they are off by default), for the resumption test below.
    t = await startTestHub({ mqttSessionTickets: true });
  });
  after(() => t.stop());

  it('refuses a certificate from another CA, even with a known device id', async () => {
    const dev = await enrollTestDevice(t, 'cert-known');
    const otherDir = mkdtempSync(join(tmpdir(), 'outpost-rogue-ca-'));
    const rogue = await loadOrCreateCa({ dataDir: otherDir, kek: await loadOrCreateKek({ dataDir: otherDir }) });
    const { privateKeyPem, csrPem } = await createKeyAndCsr('cert-known');
    const forged = await rogue.signDeviceCsr(csrPem, 'cert-known');
    const tlsRefusals = async () =>
      Number(
        /outpost_device_connections_refused_total\{reason="tls_handshake"\} (\d+)/.exec(await metricsText(t))?.[1] ?? 0,
      );
    const before = await tlsRefusals();
    await assert.rejects(
      rawClient(t, { keyPem: privateKeyPem, certPem: forged.certPem, caPem: dev.caPem }, 'cert-known'),
      /closed before connect|ECONNRESET|socket hang up/,
    );
    // Cut at TLS, before MQTT: the chain is not the hub's.
    assert.equal(await tlsRefusals(), before + 1);
    rmSync(otherDir, { recursive: true, force: true });
    rmSync(`${otherDir}.kek`, { force: true });
  });

  it('refuses an expired certificate from the hub CA', async () => {
    await enrollTestDevice(t, 'cert-old');
    const ca = await loadOrCreateCa({ dataDir: t.dir, kek: await loadOrCreateKek({ dataDir: t.dir }) });
    const { privateKeyPem, csrPem } = await createKeyAndCsr('cert-old');
    const old = await ca.signDeviceCsr(csrPem, 'cert-old', {
      now: new Date(Date.now() - 2 * 365 * 86_400_000),
      validityDays: 365,
    });
    await assert.rejects(
      rawClient(t, { keyPem: privateKeyPem, certPem: old.certPem, caPem: t.hub.caPem }, 'cert-old'),
      /Not authorized/,
    );
    // Signed by the hub CA but never recorded as issued: admission names that before the expiry.
    assert.deepEqual(await refusals(t, 'cert-old'), ['certificate_unknown']);
  });

  it('refuses a valid hub-signed certificate the hub never recorded as issued', async () => {
    const ca = await loadOrCreateCa({ dataDir: t.dir, kek: await loadOrCreateKek({ dataDir: t.dir }) });
    const { privateKeyPem, csrPem } = await createKeyAndCsr('cert-ghost');
    const ghost = await ca.signDeviceCsr(csrPem, 'cert-ghost');
    await assert.rejects(
      rawClient(t, { keyPem: privateKeyPem, certPem: ghost.certPem, caPem: t.hub.caPem }, 'cert-ghost'),
      /Not authorized/,
    );
    assert.deepEqual(await refusals(t, 'cert-ghost'), ['certificate_unknown']);
  });

  it('drops a connected device when its certificate is revoked, and refuses it afterwards', async () => {
    const dev = await enrollTestDevice(t, 'cert-revoked');
    const agent = startTestAgent(t, dev);
    try {
      await eventually(async () => (await t.admin.devices.get('cert-revoked')).presence === 'online');
      const started = Date.now();
      await t.admin.devices.revoke('cert-revoked', 'stolen from the cabinet');
      await eventually(async () => (await t.admin.devices.get('cert-revoked')).presence === 'offline', 3000);
      assert.ok(Date.now() - started < 3000);
      await assert.rejects(rawClient(t, dev, 'cert-revoked'), /Not authorized/);
      await eventually(async () => (await refusals(t, 'cert-revoked')).includes('certificate_revoked'));
      const audit = await t.admin.audit.list({ action: 'device.revoke' });
      assert.equal(audit.items[0].target, 'device:cert-revoked');
      assert.equal(audit.items[0].details.reason, 'stolen from the cabinet');
    } finally {
      await agent.stop({ clean: false });
    }
  });

  it('resumes the TLS session of a dropped link, and still refuses a device whose certificate was revoked since', async () => {
    const dev = await enrollTestDevice(t, 'cert-resume');
    const { transports, will } = deviceLinks(dev, t.hub.mqttPort);
    const resumed = async () =>
      Number(/outpost_device_tls_handshakes_total\{resumed="yes"\} (\d+)/.exec(await metricsText(t))?.[1] ?? 0);
    const before = await resumed();

    const first = transports();
    await first.connect({ will });
    // The ticket arrives with the hub's first bytes after the handshake.
    await eventually(() => transports.hasSession(), 30_000);
    await first.end(false);
    const second = transports();
    await second.connect({ will });
    assert.equal(await resumed(), before + 1, "the second connection resumed the first one's session");
    await second.end(false);

    // Resuming skips the certificate exchange, not the hub's own check of the certificate.
    await t.admin.devices.revoke(dev.id, 'resumption must not outlive revocation');
    const third = transports();
    await assert.rejects(third.connect({ will }));
    assert.equal(await resumed(), before + 2, 'the refused connection had resumed too');
    await third.end(false);
    assert.match(
      await metricsText(t),
      /outpost_device_connections_refused_total\{reason="certificate_revoked"\} [1-9]/,
    );
  });
});

describe('device TLS sessions without tickets (the default)', () => {
  it('gives a reconnecting device a full handshake', async () => {
    const t = await startTestHub();
    try {
      const dev = await enrollTestDevice(t, 'cert-no-ticket');
      const { transports, will } = deviceLinks(dev, t.hub.mqttPort);
      for (let i = 0; i < 2; i++) {
        const link = transports();
        await link.connect({ will });
        await link.end(false);
      }
      // The hub answers with a bare session id it does not keep, so nothing resumes.
      assert.match(await metricsText(t), /outpost_device_tls_handshakes_total\{resumed="no"\} 2/);
      assert.doesNotMatch(await metricsText(t), /outpost_device_tls_handshakes_total\{resumed="yes"\}/);
    } finally {
      await t.stop();
    }
  });
});

describe('device TLS sessions across a hub restart', () => {
  it('resumes with the ticket key kept (sealed by the KEK) in the data directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-hub-tickets-'));
    const port = await restartablePort();
    const first = await startTestHub({ mqttPort: port, mqttSessionTickets: true }, dir);
    const dev = await enrollTestDevice(first, 'cert-restart');
    const { transports, will } = deviceLinks(dev, port);
    const a = transports();
    await a.connect({ will });
    await eventually(() => transports.hasSession(), 30_000);
    await a.end(false);
    await first.stop();

    const again = await startTestHub({ mqttPort: port, mqttSessionTickets: true }, dir);
    try {
      const b = transports();
      await b.connect({ will });
      await b.end(false);
      assert.match(await metricsText(again), /outpost_device_tls_handshakes_total\{resumed="yes"\} 1/);
      assert.doesNotMatch(await metricsText(again), /outpost_device_tls_handshakes_total\{resumed="no"\}/);
    } finally {
      await again.stop();
      rmSync(dir, { recursive: true, force: true });
      rmSync(`${dir}.kek`, { force: true });
    }
  });
});

/** The reasons the hub recorded for refusing this device id, oldest first. */
async function refusals(t: TestHub, id: string): Promise<string[]> {
  const items = (await t.admin.audit.list({ action: 'device.refused', target: `device:${id}`, limit: 20 })).items;
  return items.map((a) => String(a.details.reason)).reverse();
}

function metricsText(t: TestHub): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(new URL('/metrics', t.hub.httpUrl), { ca: t.hub.caPem }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}
