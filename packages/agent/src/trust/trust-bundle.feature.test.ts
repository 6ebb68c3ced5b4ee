import { after, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEVICE_CERT_BACKDATE_MS, type CaBundleMessage, type CertRenewRequest } from '@outpost/protocol';
import { createManualClock, type ManualClock } from '../core/manual-clock.js';
import type { FeatureContext } from '../core/feature.js';
import { createKeyAndCsr } from '../identity/csr.js';
import { saveTrustBundle } from '../identity/identity.store.js';
import { createCertRenewalFeature } from '../renewal/cert-renewal.feature.js';
import { createTestCa, type TestCa } from '../renewal/renewal.fixture.js';
import { checkTrustBundle, TrustBundleError } from './trust-bundle.js';
import { createTrustBundleFeature } from './trust-bundle.feature.js';

const DEVICE = 'dev-trust';
const T0 = Date.parse('2026-12-01T00:00:00Z');
const HOUR = 3600_000;
const fp = (pem: string) => createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');
const refusalOf = (fn: () => unknown) => {
  try {
    fn();
    return 'accepted';
  } catch (err) {
    return err instanceof TrustBundleError ? err.code : (err as Error).message;
  }
};

describe('trust bundle on the device', { timeout: 30_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-trust-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  let oldCa: TestCa;
  let newCa: TestCa;
  let certPem: string;
  let clock: ManualClock;
  let ctx: FeatureContext;
  let events: Array<{ type: string; data?: Record<string, unknown> }>;
  let requests: CertRenewRequest[];

  beforeEach(async () => {
    oldCa = await createTestCa();
    newCa = await createTestCa();
    const key = await createKeyAndCsr(DEVICE);
    certPem = await oldCa.issue(key.csrPem, DEVICE, T0 - DEVICE_CERT_BACKDATE_MS, T0 + 24 * HOUR);
    clock = createManualClock(T0);
    events = [];
    requests = [];
    ctx = {
      deviceId: DEVICE,
      clock,
      logger: { info: () => {}, warn: () => {} },
      publish: async (suffix, payload) => {
        assert.equal(suffix, 'cert/renew');
        requests.push(payload as CertRenewRequest);
      },
      emit: async (type, _s, data) => void events.push({ type, data }),
      online: () => true,
    };
    writeFileSync(join(dir, 'ca.crt'), oldCa.caPem);
  });

  const message = (m: Partial<CaBundleMessage> = {}): Buffer =>
    Buffer.from(
      JSON.stringify({
        v: 1,
        bundlePem: oldCa.caPem + newCa.caPem,
        activeFingerprint: fp(newCa.caPem),
        renewWithinS: 600,
        ...m,
      }),
    );

  it('accepts the CAs of a rotation and tells whether the own certificate is on the CA that signs', () => {
    const both = checkTrustBundle({
      bundlePem: oldCa.caPem + newCa.caPem + newCa.caPem,
      activeFingerprint: fp(newCa.caPem),
      ownCertPem: certPem,
      now: T0,
    });
    assert.deepEqual(both.fingerprints, [fp(oldCa.caPem), fp(newCa.caPem)], 'each CA once');
    assert.equal(both.ownIssuer, fp(oldCa.caPem));
    assert.equal(both.ownOnActive, false);
  });

  it('refuses a bundle that drops its own CA, lacks the signing CA, holds a leaf, too many CAs, or no certificate', () => {
    const check = (bundlePem: string, active = fp(newCa.caPem)) =>
      refusalOf(() => checkTrustBundle({ bundlePem, activeFingerprint: active, ownCertPem: certPem, now: T0 }));
    assert.equal(check(newCa.caPem), 'bundle_lacks_own_issuer');
    assert.equal(check(oldCa.caPem), 'bundle_lacks_active_ca');
    assert.equal(check(oldCa.caPem + certPem), 'bundle_not_ca');
    assert.equal(check(oldCa.caPem.repeat(5), fp(oldCa.caPem)), 'bundle_too_large');
    assert.equal(check('not a certificate'), 'bundle_malformed');
  });

  function harness() {
    const applied: string[] = [];
    const soon: number[] = [];
    const feature = createTrustBundleFeature({
      caPem: oldCa.caPem,
      certPem: () => certPem,
      store: (pem) => saveTrustBundle(dir, pem),
      apply: (pem) => void applied.push(pem),
      renewSoon: (ms) => void soon.push(ms),
    });
    return { feature, applied, soon };
  }

  it('stores the new bundle in ca.crt, uses it, and asks to renew within the spread; the same bundle again stores nothing', async () => {
    const { feature, applied, soon } = harness();
    await feature.onMessage!('ca/bundle', message(), ctx);
    assert.equal(readFileSync(join(dir, 'ca.crt'), 'utf8'), oldCa.caPem + newCa.caPem);
    assert.deepEqual(applied, [oldCa.caPem + newCa.caPem]);
    assert.deepEqual(soon, [600_000]);
    await feature.onMessage!('ca/bundle', message(), ctx);
    assert.equal(applied.length, 1);
    assert.deepEqual(feature.status(), {
      fingerprints: [fp(oldCa.caPem), fp(newCa.caPem)],
      updates: 1,
      refused: 0,
      lastRefusal: null,
    });
  });

  it('refuses a bad bundle, keeps ca.crt and the trust it has, and reports why', async () => {
    const { feature, applied, soon } = harness();
    await feature.onMessage!('ca/bundle', message({ bundlePem: newCa.caPem }), ctx);
    await feature.onMessage!('ca/bundle', Buffer.from('{"v":1}'), ctx);
    assert.equal(readFileSync(join(dir, 'ca.crt'), 'utf8'), oldCa.caPem);
    assert.deepEqual([applied, soon], [[], []]);
    assert.deepEqual(
      events.map((e) => e.data?.reason),
      ['bundle_lacks_own_issuer', 'bundle_malformed'],
    );
    assert.equal(feature.status().refused, 2);
  });

  it('renews early, within the spread, onto the new CA it now trusts', async () => {
    const renewal = createCertRenewalFeature({
      caPem: oldCa.caPem,
      certPem,
      random: () => 0.25,
      store: async () => {},
      switchTo: async (c) => void (certPem = c.certPem),
    });
    await renewal.start!(ctx);
    const planned = renewal.status().nextAttemptAt;
    assert.ok(planned > T0 + 16 * HOUR, 'planned at about two thirds of a day');
    const feature = createTrustBundleFeature({
      caPem: oldCa.caPem,
      certPem: () => certPem,
      store: (pem) => saveTrustBundle(dir, pem),
      apply: (pem) => renewal.setTrust(pem),
      renewSoon: (ms) => renewal.renewSoon(ms),
    });
    await feature.onMessage!('ca/bundle', message(), ctx);
    assert.equal(renewal.status().nextAttemptAt, T0 + 150_000, 'a quarter into the 600 s spread');
    await clock.advance(150_000);
    const until = Date.now() + 10_000;
    while (requests.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    assert.equal(requests.length, 1);
    const issued = await newCa.issue(
      requests[0].csrPem,
      DEVICE,
      clock.now() - DEVICE_CERT_BACKDATE_MS,
      clock.now() + 24 * HOUR,
    );
    const answer = {
      v: 1,
      requestId: requests[0].requestId,
      ok: true,
      certificatePem: issued,
      caChainPem: newCa.caPem,
    };
    await renewal.onMessage!('cert/issued', Buffer.from(JSON.stringify(answer)), ctx);
    assert.equal(certPem, issued, 'switched to the certificate of the new CA');
    assert.equal(renewal.status().renewals, 1);
    renewal.stop!();
  });
});
