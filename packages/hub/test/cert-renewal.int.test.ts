import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, X509Certificate } from 'node:crypto';
import { createKeyAndCsr, enrollDevice, loadIdentity } from '@outpost/agent';
import { CertRenewResponse } from '@outpost/protocol';
import { eventually, startTestHub, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, rawClient } from './support/devices.js';
import { startRenewingAgent } from './support/renewing-agent.js';
import { subtle, x509 } from '../src/domains/pki/x509-provider.js';

const serialOf = (pem: string) => new X509Certificate(pem).serialNumber.toLowerCase().replace(/^0+/, '');
// Renew early in the test so the file stays short; the default share (2/3) is the unit tests' business.
const QUICK = { share: 0.15, jitterShare: 0.05 };

describe('device certificate renewal', { timeout: 120_000 }, () => {
  let t: TestHub;
  before(async () => {
    t = await startTestHub({ deviceCertSeconds: 20 });
  });
  after(() => t.stop());

  it('renews on its own, stays online, keeps its queued events, is audited, and the old serial is refused as superseded', async () => {
    const dev = await enrollTestDevice(t, 'renew-a');
    const oldSerial = serialOf(dev.certPem);
    const a = await startRenewingAgent(t, dev, QUICK);
    try {
      await eventually(async () => (await t.admin.devices.get(dev.id)).presence === 'online', 20_000);
      let wentOffline = false;
      let sent = 0;
      const watch = setInterval(() => {
        void t.admin.devices.get(dev.id).then((x) => (wentOffline ||= x.presence !== 'online'));
        void a.agent.emit('test.tick', 'info', { n: ++sent });
      }, 100);
      try {
        await eventually(
          async () => (await t.admin.enrollment.certificateStatus(dev.id)).renewal.state === 'renewed',
          30_000,
        );
      } finally {
        clearInterval(watch);
      }
      const now = await a.credentials();
      const newSerial = serialOf(now.certPem);
      assert.notEqual(newSerial, oldSerial);
      assert.notEqual(now.keyPem, dev.keyPem, 'a new key pair');
      const status = await t.admin.enrollment.certificateStatus(dev.id);
      assert.equal(status.current?.serial, newSerial);
      assert.equal(status.renewal.renewals, 1);
      assert.equal((await t.admin.devices.get(dev.id)).certSerial, newSerial);
      assert.equal(wentOffline, false, 'the device never showed offline');
      // Every event queued around the switch reaches the hub.
      await eventually(async () => {
        const events = (await t.admin.devices.events(dev.id, 1000)).items.filter((e) => e.type === 'test.tick');
        return new Set(events.map((e) => (e.data as { n: number }).n)).size === sent;
      }, 20_000);
      const renewed = (await t.admin.audit.list({ action: 'device.certificate.renew', target: `device:${dev.id}` }))
        .items;
      assert.equal(renewed[0].details.certSerial, newSerial);
      const switched = (await t.admin.audit.list({ action: 'device.certificate.switch', target: `device:${dev.id}` }))
        .items;
      assert.equal(switched[0].details.revokedEarlier, 1);
      const history = (await t.admin.devices.certificates(dev.id)).items;
      assert.equal(history.find((c) => c.serial === oldSerial)?.revokeReason, 'superseded');
      await assert.rejects(rawClient(t, dev, dev.id), /Not authorized/);
      await eventually(async () => {
        const refused = await t.admin.audit.list({ action: 'device.refused', target: `device:${dev.id}` });
        return refused.items.some((r) => r.details.reason === 'certificate_superseded');
      });
      assert.equal((await t.admin.enrollment.certificateStatus(dev.id)).lastRefusal?.reason, 'certificate_superseded');
      // The agent is back on one link, its renewed one ("connecting" while it moves over).
      await eventually(() => a.agent.state() === 'online', 20_000);
    } finally {
      await a.agent.stop({ clean: false });
    }
  });

  it('refuses a renewal for another subject or for the same key, naming the reason, and issues nothing', async () => {
    const dev = await enrollTestDevice(t, 'renew-b');
    const client = await rawClient(t, dev, dev.id);
    try {
      await new Promise<void>((res, rej) =>
        client.subscribe(`outpost/v1/d/${dev.id}/cert/issued`, { qos: 1 }, (e) => (e ? rej(e) : res())),
      );
      const answers: CertRenewResponse[] = [];
      client.on('message', (_t, p) => answers.push(JSON.parse(p.toString()) as CertRenewResponse));
      const ask = (csrPem: string) => {
        const requestId = randomBytes(9).toString('base64url');
        client.publish(`outpost/v1/d/${dev.id}/cert/renew`, JSON.stringify({ v: 1, requestId, csrPem }), { qos: 1 });
        return eventually(() => answers.find((x) => x.requestId === requestId));
      };
      const other = await ask((await createKeyAndCsr('renew-someone-else')).csrPem);
      assert.equal(other.ok, false);
      assert.equal(!other.ok && other.code, 'csr_invalid');
      assert.match(!other.ok ? other.message : '', /subject must be CN=renew-b/);
      const { csrPem: sameKeyCsr } = await csrForKey(dev.keyPem, dev.id);
      const same = await ask(sameKeyCsr);
      assert.equal(!same.ok && same.code, 'csr_invalid');
      assert.match(!same.ok ? same.message : '', /reuses the key/);
      assert.equal((await t.admin.devices.certificates(dev.id)).items.length, 1, 'nothing was issued');
      const status = await t.admin.enrollment.certificateStatus(dev.id);
      assert.equal(status.renewal.state, 'failed');
      assert.equal(status.renewal.lastFailure, 'csr_invalid');
    } finally {
      client.end(true);
    }
  });

  it('refuses a certificate that expired while the device was offline as certificate_expired; a fresh token brings it back', async () => {
    const dev = await enrollTestDevice(t, 'renew-c');
    const notAfter = Date.parse(new X509Certificate(dev.certPem).validTo);
    await eventually(() => Date.now() > notAfter + 1000, 30_000, 250);
    await assert.rejects(rawClient(t, dev, dev.id), /Not authorized/);
    const status = await t.admin.enrollment.certificateStatus(dev.id);
    assert.equal(status.lastRefusal?.reason, 'certificate_expired');
    assert.equal(status.current?.expired, true);
    const refused = await t.admin.audit.list({ action: 'device.refused', target: `device:${dev.id}` });
    assert.equal(refused.items[0].details.reason, 'certificate_expired');
    // The agent sees it too and says what to do.
    const a = await startRenewingAgent(t, dev, QUICK);
    await a.agent.stop({ clean: false });
    assert.equal(a.expiredAt?.getTime(), notAfter);
    assert.match(a.warnings.join('\n'), /enroll this device again with a fresh enrollment token/);
    // Re-enrollment keeps the device's id and record.
    const tok = await t.admin.enrollment.createToken({ label: 're-enroll renew-c' });
    await enrollDevice({
      hubUrl: t.hub.httpUrl,
      token: tok.token,
      caFingerprint: tok.caFingerprint,
      dir: dev.dir,
      deviceId: dev.id,
    });
    const again = (await loadIdentity(dev.dir))!;
    const client = await rawClient(
      t,
      { keyPem: again.privateKeyPem, certPem: again.certPem, caPem: again.caPem },
      dev.id,
    );
    client.end(true);
    const after = await t.admin.enrollment.certificateStatus(dev.id);
    assert.equal(after.current?.serial, serialOf(again.certPem));
    assert.equal(after.lastRefusal, null);
    const reenrolled = await t.admin.audit.list({ action: 'device.reenroll', target: `device:${dev.id}` });
    assert.equal(reenrolled.items.length, 1);
  });

  it('does not re-enroll a device whose certificate is still valid', async () => {
    const dev = await enrollTestDevice(t, 'renew-d');
    const tok = await t.admin.enrollment.createToken({ label: 'takeover attempt' });
    await assert.rejects(
      enrollDevice({
        hubUrl: t.hub.httpUrl,
        token: tok.token,
        caFingerprint: tok.caFingerprint,
        dir: `${dev.dir}-other`,
        deviceId: dev.id,
      }),
      (err: Error & { code?: string }) => err.code === 'conflict' && /certificate is valid/.test(err.message),
    );
  });
});

/** A CSR signed by an existing key (a device trying to renew without a new key pair). */
async function csrForKey(keyPem: string, deviceId: string) {
  const der = x509.PemConverter.decode(keyPem)[0];
  const privateKey = await subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign']);
  const jwk = await subtle.exportKey('jwk', privateKey);
  const publicKey = await subtle.importKey(
    'jwk',
    { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y },
    { name: 'ECDSA', namedCurve: 'P-256' },
    true,
    ['verify'],
  );
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: [{ CN: [deviceId] }],
    keys: { privateKey, publicKey },
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
  });
  return { csrPem: csr.toString('pem') };
}
