import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEVICE_CERT_BACKDATE_MS, type CertRenewRequest } from '@outpost/protocol';
import { createManualClock, type ManualClock } from '../core/manual-clock.js';
import type { FeatureContext } from '../core/feature.js';
import { createKeyAndCsr } from '../identity/csr.js';
import { createCertRenewalFeature, type RenewedCredentials } from './cert-renewal.feature.js';
import { createTestCa, type TestCa } from './renewal.fixture.js';

const DEVICE = 'dev-renew';
const LIFE = 120_000; // a two-minute certificate
const T0 = Date.parse('2026-12-01T00:00:00Z');

interface Harness {
  clock: ManualClock;
  ctx: FeatureContext;
  requests: CertRenewRequest[];
  events: Array<{ type: string; data?: Record<string, unknown> }>;
  stored: RenewedCredentials[];
  switched: RenewedCredentials[];
  expired: Date[];
  setOnline(v: boolean): void;
}

async function issue(ca: TestCa, csrPem: string, at: number, cn = DEVICE) {
  // Whole seconds, as X.509 times are.
  const from = Math.floor(at / 1000) * 1000;
  return ca.issue(csrPem, cn, from - DEVICE_CERT_BACKDATE_MS, from + LIFE);
}

describe('certificate renewal on the device', { timeout: 30_000 }, () => {
  let ca: TestCa;
  let h: Harness;
  let feature: ReturnType<typeof createCertRenewalFeature>;

  beforeEach(async () => {
    ca = await createTestCa();
    const first = await createKeyAndCsr(DEVICE);
    const certPem = await issue(ca, first.csrPem, T0);
    const clock = createManualClock(T0);
    let online = true;
    const requests: CertRenewRequest[] = [];
    const events: Harness['events'] = [];
    h = {
      clock,
      requests,
      events,
      stored: [],
      switched: [],
      expired: [],
      setOnline: (v) => (online = v),
      ctx: {
        deviceId: DEVICE,
        clock,
        logger: { info: () => {}, warn: () => {} },
        publish: (suffix, payload) => {
          if (!online) return Promise.reject(new Error('offline'));
          assert.equal(suffix, 'cert/renew');
          requests.push(payload as CertRenewRequest);
          return Promise.resolve();
        },
        emit: (type, _severity, data) => {
          events.push({ type, data });
          return Promise.resolve();
        },
        online: () => online,
      },
    };
    feature = createCertRenewalFeature({
      caPem: ca.caPem,
      certPem,
      random: () => 0.5, // renew at 2/3 + 0.05 of the lifetime: 86 s
      store: async (c) => void h.stored.push(c),
      switchTo: async (c) => void h.switched.push(c),
      onExpired: (at) => void h.expired.push(at),
    });
    await feature.start!(h.ctx);
  });

  async function answer(build: (req: CertRenewRequest) => Promise<unknown>) {
    const req = h.requests.at(-1)!;
    await feature.onMessage!('cert/issued', Buffer.from(JSON.stringify(await build(req))), h.ctx);
  }
  // Key generation runs on real crypto, outside the manual clock: poll for its result (bounded).
  const waitFor = async (cond: () => boolean) => {
    const until = Date.now() + 10_000;
    while (!cond() && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    assert.ok(cond(), 'condition not reached');
  };

  it('asks for a new certificate at the planned share of the lifetime, with a new key, and switches to it', async () => {
    await h.clock.advance(85_000);
    assert.equal(h.requests.length, 0, 'not before 86 s');
    await h.clock.advance(1000);
    await waitFor(() => h.requests.length === 1);
    const req = h.requests[0];
    assert.equal(req.lastFailure, undefined);
    await answer(async (r) => ({
      v: 1,
      requestId: r.requestId,
      ok: true,
      certificatePem: await issue(ca, r.csrPem, h.clock.now()),
      caChainPem: ca.caPem,
    }));
    assert.equal(h.stored.length, 1);
    assert.deepEqual(h.switched, h.stored);
    assert.notEqual(h.stored[0].privateKeyPem, '');
    const s = feature.status();
    assert.equal(s.renewals, 1);
    assert.equal(s.failures, 0);
    // The next renewal counts from the new certificate's real issue time.
    assert.equal(s.nextAttemptAt, Math.floor((T0 + 86_000) / 1000) * 1000 + 86_000);
  });

  it('retries with backoff when the hub does not answer, reports the failure, and says so in the next request', async () => {
    await h.clock.advance(86_000);
    await waitFor(() => h.requests.length === 1);
    await h.clock.advance(6000); // the answer timeout of a two-minute certificate: 1/20 of it
    await waitFor(() => h.events.length === 1);
    assert.deepEqual(h.events[0], { type: 'agent.cert_renewal_failed', data: { reason: 'no_answer', failures: 1 } });
    const { nextAttemptAt } = feature.status();
    // Base 1/100 of the lifetime (1.2 s), equal jitter at random 0.5: 0.9 s, at least 1 s.
    assert.equal(nextAttemptAt - h.clock.now(), 1000);
    await h.clock.advance(1000);
    await waitFor(() => h.requests.length === 2);
    assert.deepEqual(h.requests[1].lastFailure, { reason: 'no_answer', attempts: 1 });
    assert.notEqual(h.requests[1].csrPem, h.requests[0].csrPem, 'every attempt makes a new key');
  });

  it('treats a refusal as a failure and keeps the old identity', async () => {
    await h.clock.advance(86_000);
    await waitFor(() => h.requests.length === 1);
    await answer(async (r) => ({ v: 1, requestId: r.requestId, ok: false, code: 'renewal_too_soon', message: 'x' }));
    assert.equal(feature.status().failures, 1);
    assert.equal(h.events[0].data?.reason, 'renewal_too_soon');
    assert.equal(h.stored.length, 0);
  });

  it('refuses a certificate for another device or another key, and one from another CA', async () => {
    await h.clock.advance(86_000);
    await waitFor(() => h.requests.length === 1);
    await answer(async (r) => ({
      v: 1,
      requestId: r.requestId,
      ok: true,
      certificatePem: await issue(ca, r.csrPem, h.clock.now(), 'dev-other'),
      caChainPem: ca.caPem,
    }));
    assert.match(String(h.events.at(-1)?.data?.reason), /certificate_invalid: not issued to dev-renew/);
    await h.clock.advance(feature.status().nextAttemptAt - h.clock.now());
    await waitFor(() => h.requests.length === 2);
    const strangerKey = await createKeyAndCsr(DEVICE);
    await answer(async (r) => ({
      v: 1,
      requestId: r.requestId,
      ok: true,
      certificatePem: await issue(ca, strangerKey.csrPem, h.clock.now()),
      caChainPem: ca.caPem,
    }));
    assert.match(String(h.events.at(-1)?.data?.reason), /certificate_invalid: not for the new key/);
    await h.clock.advance(feature.status().nextAttemptAt - h.clock.now());
    await waitFor(() => h.requests.length === 3);
    const rogue = await createTestCa();
    await answer(async (r) => ({
      v: 1,
      requestId: r.requestId,
      ok: true,
      certificatePem: await issue(rogue, r.csrPem, h.clock.now()),
      caChainPem: rogue.caPem,
    }));
    assert.match(
      String(h.events.at(-1)?.data?.reason),
      /certificate_invalid: not signed by a hub CA this device trusts/,
    );
    assert.equal(h.stored.length, 0);
  });

  it('ignores an answer to another request', async () => {
    await h.clock.advance(86_000);
    await waitFor(() => h.requests.length === 1);
    await answer(async () => ({ v: 1, requestId: 'someone-elses-id', ok: false, code: 'csr_invalid', message: 'x' }));
    assert.equal(feature.status().failures, 0);
  });

  it('waits for the link when it is due offline, and goes as soon as it is back', async () => {
    h.setOnline(false);
    await h.clock.advance(90_000);
    assert.equal(h.requests.length, 0);
    h.setOnline(true);
    await feature.onConnected!(h.ctx);
    await waitFor(() => h.requests.length === 1);
  });

  it('goes within seconds once the link is usable again, even when no reconnect was reported', async () => {
    // A link that was only switching certificates is unusable for a moment but never reported down.
    h.setOnline(false);
    await h.clock.advance(90_000);
    assert.equal(h.requests.length, 0);
    h.setOnline(true);
    await h.clock.advance(5_000);
    await waitFor(() => h.requests.length === 1);
  });

  it('says the device must enroll again once the certificate lapsed', async () => {
    h.setOnline(false);
    await h.clock.advance(LIFE + 1000);
    assert.equal(h.expired.length, 1);
    assert.equal(h.expired[0].getTime(), T0 + LIFE);
    assert.equal(feature.status().expired, true);
  });
});
