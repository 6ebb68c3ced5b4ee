import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError } from '@outpost/client';
import { enrollDevice, EnrollError } from '@outpost/agent';
import { hubTestClock, startTestHub, type TestHub } from './support/test-hub.js';

describe('enrollment', () => {
  let t: TestHub;
  const clock = hubTestClock();
  before(async () => {
    t = await startTestHub({}, undefined, { clock });
  });
  after(() => t.stop());

  const dir = () => mkdtempSync(join(tmpdir(), 'outpost-enroll-'));

  it('enrolls a device with a fresh key pair, tags and group from the token, and audits it', async () => {
    await t.admin.groups.create({ path: 'north', kind: 'static' });
    await t.admin.groups.create({ path: 'north/substation-7', kind: 'static' });
    const tok = await t.admin.enrollment.createToken({
      label: 'north batch',
      group: 'north/substation-7',
      tags: { site: 'north' },
    });
    assert.match(tok.token, /^oet_/);
    assert.equal(tok.caFingerprint, t.hub.caFingerprint);
    const r = await enrollDevice({
      hubUrl: t.hub.httpUrl,
      token: tok.token,
      caFingerprint: tok.caFingerprint,
      dir: dir(),
      deviceId: 'gw-north-1',
    });
    assert.equal(r.deviceId, 'gw-north-1');
    assert.match(r.certificatePem, /BEGIN CERTIFICATE/);
    const dev = await t.admin.devices.get('gw-north-1');
    assert.equal(dev.presence, 'never_seen');
    assert.deepEqual(dev.tags, { site: 'north' });
    assert.deepEqual(dev.groups, ['north/substation-7']);
    assert.ok(dev.certExpiresAt && dev.certExpiresAt > new Date(Date.now() + 300 * 86_400_000).toISOString());
    const audit = await t.admin.audit.list({ action: 'device.enroll' });
    assert.ok(audit.items.some((a) => a.target === 'device:gw-north-1' && a.outcome === 'ok'));
  });

  it('refuses a spent single-use token', async () => {
    const tok = await t.admin.enrollment.createToken({ label: 'one' });
    await enrollDevice({
      hubUrl: t.hub.httpUrl,
      token: tok.token,
      caFingerprint: tok.caFingerprint,
      dir: dir(),
      deviceId: 'one-a',
    });
    await assert.rejects(
      enrollDevice({
        hubUrl: t.hub.httpUrl,
        token: tok.token,
        caFingerprint: tok.caFingerprint,
        dir: dir(),
        deviceId: 'one-b',
      }),
      (e: EnrollError) => e.code === 'enrollment_token_spent',
    );
    await assert.rejects(t.admin.devices.get('one-b'), (e: ApiError) => e.status === 404);
  });

  it('allows exactly N uses of a multi-use token', async () => {
    const tok = await t.admin.enrollment.createToken({ label: 'three', maxUses: 3 });
    const tries = await Promise.allSettled(
      [1, 2, 3, 4].map((i) =>
        enrollDevice({
          hubUrl: t.hub.httpUrl,
          token: tok.token,
          caFingerprint: tok.caFingerprint,
          dir: dir(),
          deviceId: `multi-${i}`,
        }),
      ),
    );
    assert.equal(tries.filter((r) => r.status === 'fulfilled').length, 3);
  });

  it('refuses unknown and expired tokens with their own codes', async () => {
    await assert.rejects(
      enrollDevice({
        hubUrl: t.hub.httpUrl,
        token: 'oet_not-a-real-token',
        caFingerprint: t.hub.caFingerprint,
        dir: dir(),
      }),
      (e: EnrollError) => e.code === 'enrollment_token_unknown',
    );
    // 0.72 s of hub time.
    const tok = await t.admin.enrollment.createToken({ label: 'short', expiresInHours: 0.0002 });
    await clock.advance(1000);
    await assert.rejects(
      enrollDevice({ hubUrl: t.hub.httpUrl, token: tok.token, caFingerprint: tok.caFingerprint, dir: dir() }),
      (e: EnrollError) => e.code === 'enrollment_token_expired',
    );
    const denied = await t.admin.audit.list({ action: 'device.enroll' });
    assert.ok(denied.items.some((a) => a.outcome === 'denied' && a.details.reason === 'enrollment_token_expired'));
  });

  it('refuses a hub whose CA does not match the pinned fingerprint', async () => {
    const tok = await t.admin.enrollment.createToken({ label: 'pin' });
    await assert.rejects(
      enrollDevice({
        hubUrl: t.hub.httpUrl,
        token: tok.token,
        caFingerprint: 'ab'.repeat(32),
        dir: dir(),
        deviceId: 'pin-1',
      }),
      (e: Error & { code?: string }) => e.code === 'ca_pin_mismatch',
    );
    // The token was never presented, so it is still unspent.
    const list = await t.admin.enrollment.list();
    assert.equal(list.items.find((x) => x.id === tok.record.id)?.uses, 0);
  });

  it('refuses a garbage CSR and an invalid device id without spending the token', async () => {
    const tok = await t.admin.enrollment.createToken({ label: 'bad csr' });
    const anon = t.anonymous();
    const send = (body: unknown) =>
      import('@outpost/client').then((m) => m.send(anon.options, 'POST', '/api/v1/enroll', body));
    const r1 = await send({ token: tok.token, csrPem: 'not a csr', deviceId: 'csr-1' });
    assert.equal(r1.status, 400);
    assert.equal(JSON.parse(r1.body).code, 'csr_invalid');
    const r2 = await send({ token: tok.token, csrPem: 'x', deviceId: 'Bad/Id' });
    assert.equal(r2.status, 400);
    const list = await t.admin.enrollment.list();
    assert.equal(list.items.find((x) => x.id === tok.record.id)?.uses, 0);
  });

  it('enrolls an id once when it is enrolled concurrently: the others are refused whole, nothing half done', async () => {
    const tok = await t.admin.enrollment.createToken({ label: 'race', maxUses: 6 });
    const anon = t.anonymous();
    const { send } = await import('@outpost/client');
    const { createKeyAndCsr } = await import('@outpost/agent');
    const bodies = await Promise.all(
      Array.from({ length: 6 }, async () => ({
        token: tok.token,
        deviceId: 'race-1',
        csrPem: (await createKeyAndCsr('race-1')).csrPem,
      })),
    );
    const results = await Promise.all(bodies.map((b) => send(anon.options, 'POST', '/api/v1/enroll', b)));
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, 409, 409, 409, 409, 409], results.map((r) => r.body).join('\n'));
    for (const r of results.filter((x) => x.status === 409))
      assert.match(JSON.parse(r.body).message, /device "race-1" is already enrolled and its certificate is valid/);
    const list = await t.admin.enrollment.list();
    assert.equal(
      list.items.find((x) => x.id === tok.record.id)?.uses,
      1,
      'only the enrollment that happened spent a use',
    );
    const certs = await t.admin.devices.certificates('race-1');
    assert.equal(certs.items.length, 1, 'no certificate was issued to the refused ones');
  });

  it('refuses a device id in the namespace reserved for integration clients', async () => {
    const tok = await t.admin.enrollment.createToken({ label: 'reserved' });
    const { send } = await import('@outpost/client');
    const { createKeyAndCsr } = await import('@outpost/agent');
    const { csrPem } = await createKeyAndCsr('integration.alerts');
    const r = await send(t.anonymous().options, 'POST', '/api/v1/enroll', {
      token: tok.token,
      deviceId: 'integration.alerts',
      csrPem,
    });
    assert.equal(r.status, 400);
    const body = JSON.parse(r.body) as { code: string; message: string; details: unknown };
    assert.equal(body.code, 'validation_failed');
    assert.match(body.message, /device ids starting with "integration\." are reserved for integration clients/);
    assert.deepEqual(body.details, { path: '/deviceId' });
    const list = await t.admin.enrollment.list();
    assert.equal(list.items.find((x) => x.id === tok.record.id)?.uses, 0);
  });
});
