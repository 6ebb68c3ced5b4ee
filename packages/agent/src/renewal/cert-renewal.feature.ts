// The device renews its own certificate before it lapses: at a share of its real lifetime plus
// jitter it makes a new key pair, sends a CSR on its own `cert/renew` topic over the connection its
// current certificate authenticates, checks the answer, stores key and certificate atomically and
// moves its connection over. Failures back off and are reported to the hub (events, next request).
import { randomBytes } from 'node:crypto';
import { CertRenewResponse, compileValidator } from '@outpost/protocol';
import type { AgentFeature, FeatureContext } from '../core/feature.js';
import { createKeyAndCsr, type KeyAndCsr } from '../identity/csr.js';
import { checkIssuedCertificate, validityOf } from './issued-check.js';
import {
  DEFAULT_RENEWAL_POLICY,
  renewalTime,
  responseTimeoutMs,
  retryDelayMs,
  type RenewalPolicy,
  type Validity,
} from './renewal-schedule.js';

export interface RenewedCredentials {
  privateKeyPem: string;
  certPem: string;
}

export interface CertRenewalOptions {
  caPem: string;
  /** The certificate in use now. */
  certPem: string;
  policy?: RenewalPolicy;
  random?: () => number;
  makeKey?: (deviceId: string) => Promise<KeyAndCsr>;
  /** Keeps the new key and certificate (atomically) before anything uses them. */
  store(c: RenewedCredentials): Promise<void>;
  /** Moves the connection to the new identity. */
  switchTo(c: RenewedCredentials): Promise<void>;
  /** The certificate lapsed before a renewal succeeded: only a new enrollment helps now. */
  onExpired?(notAfter: Date): void;
}

export interface CertRenewalFeature extends AgentFeature {
  /** The CAs a renewed certificate may come from (a new trust bundle). */
  setTrust(caPem: string): void;
  /** Renew at a random moment within `withinMs` (sooner than planned only): the hub rotated its CA. */
  renewSoon(withinMs: number): void;
  /** For status and tests: when the next attempt is due, how many failed in a row, renewals done. */
  status(): { notAfter: number; nextAttemptAt: number; failures: number; renewals: number; expired: boolean };
}

// Timers are re-armed at least daily: a year-long certificate renews months ahead, beyond what a
// single timer can wait (2^31 ms), and a clock change is noticed.
const MAX_TIMER_MS = 24 * 3600_000;
/** How often a renewal that is due but cannot go out yet is tried again. */
const DUE_RECHECK_MS = 5_000;
const validateResponse = compileValidator(CertRenewResponse);

export function createCertRenewalFeature(o: CertRenewalOptions): CertRenewalFeature {
  const policy = o.policy ?? DEFAULT_RENEWAL_POLICY;
  const random = o.random ?? Math.random;
  const makeKey = o.makeKey ?? createKeyAndCsr;
  let validity: Validity = validityOf(o.certPem);
  let caPem = o.caPem;
  let ctx: FeatureContext | null = null;
  let nextAttemptAt = 0;
  let failures = 0;
  let renewals = 0;
  let lastFailure: string | null = null;
  let expired = false;
  let stopped = false;
  let making = false;
  let timer: { cancel(): void } | null = null;
  let pending: { requestId: string; key: KeyAndCsr; timeout: { cancel(): void } } | null = null;

  function arm() {
    timer?.cancel();
    timer = null;
    if (!ctx || stopped || expired) return;
    const c = ctx;
    const now = c.clock.now();
    // Past the attempt time (offline, a request out, a key being made): look again shortly. A link
    // that comes back calls onConnected, but one that was only switching certificates may never
    // have been reported down, and waiting for the expiry would then let the certificate lapse.
    const wakeAt =
      nextAttemptAt > now
        ? Math.min(nextAttemptAt, validity.notAfter)
        : Math.min(now + DUE_RECHECK_MS, validity.notAfter);
    timer = c.clock.setTimeout(() => void tick(), Math.min(Math.max(0, wakeAt - now), MAX_TIMER_MS));
  }

  async function tick() {
    if (!ctx || stopped) return;
    const now = ctx.clock.now();
    if (now >= validity.notAfter) return expire();
    if (now < nextAttemptAt) return arm();
    await attempt();
  }

  function expire() {
    if (expired) return;
    expired = true;
    timer?.cancel();
    const at = new Date(validity.notAfter);
    ctx?.logger.warn(
      `device certificate expired at ${at.toISOString()}; the hub refuses it (certificate_expired): ` +
        'enroll this device again with a fresh enrollment token (outpost agent enroll --token …)',
      { notAfter: at.toISOString() },
    );
    o.onExpired?.(at);
  }

  async function attempt() {
    const c = ctx;
    // Offline: onConnected tries again. A request already out waits for its answer or timeout.
    if (!c || pending || making || expired || !c.online()) return arm();
    const requestId = randomBytes(12).toString('base64url');
    let key: KeyAndCsr;
    making = true;
    try {
      key = await makeKey(c.deviceId);
    } catch (err) {
      return fail(`key_generation_failed: ${(err as Error).message}`);
    } finally {
      making = false;
    }
    const timeout = c.clock.setTimeout(() => {
      if (pending?.requestId === requestId) void fail('no_answer');
    }, responseTimeoutMs(validity));
    pending = { requestId, key, timeout };
    const request = {
      v: 1,
      requestId,
      csrPem: key.csrPem,
      ...(lastFailure ? { lastFailure: { reason: lastFailure.slice(0, 256), attempts: failures } } : {}),
    };
    c.logger.info('renewing device certificate', { notAfter: new Date(validity.notAfter).toISOString() });
    await c.publish('cert/renew', request, 1).catch((err: unknown) => {
      if (pending?.requestId === requestId) void fail(`publish_failed: ${(err as Error).message}`);
    });
  }

  async function fail(reason: string) {
    const c = ctx;
    pending?.timeout.cancel();
    pending = null;
    if (!c || stopped) return;
    failures++;
    lastFailure = reason;
    const now = c.clock.now();
    nextAttemptAt = now + retryDelayMs(failures, validity, now, random);
    c.logger.warn('certificate renewal failed; retrying', { reason, failures, retryInMs: nextAttemptAt - now });
    // Queued on disk: the hub hears of it as soon as the link allows.
    await c.emit('agent.cert_renewal_failed', 'warning', { reason, failures }).catch(() => undefined);
    arm();
  }

  async function onIssued(payload: Buffer) {
    const c = ctx;
    const m = validateResponse.parse(payload);
    if (!c || !m.ok || !pending || m.value.requestId !== pending.requestId) return;
    const { key } = pending;
    if (!m.value.ok) return fail(m.value.code);
    let next: Validity;
    try {
      next = checkIssuedCertificate({
        certPem: m.value.certificatePem,
        caPem,
        deviceId: c.deviceId,
        privateKeyPem: key.privateKeyPem,
        now: c.clock.now(),
      });
    } catch (err) {
      return fail(`certificate_invalid: ${(err as Error).message}`);
    }
    pending.timeout.cancel();
    pending = null;
    const creds = { privateKeyPem: key.privateKeyPem, certPem: m.value.certificatePem };
    try {
      await o.store(creds);
    } catch (err) {
      return fail(`store_failed: ${(err as Error).message}`);
    }
    validity = next;
    renewals++;
    failures = 0;
    lastFailure = null;
    nextAttemptAt = renewalTime(validity, policy, random);
    c.logger.info('device certificate renewed', { notAfter: new Date(validity.notAfter).toISOString() });
    arm();
    await o.switchTo(creds);
  }

  return {
    name: 'cert-renewal',
    subscriptions: ['cert/issued'],
    start(c) {
      ctx = c;
      stopped = false;
      nextAttemptAt = renewalTime(validity, policy, random);
      if (c.clock.now() >= validity.notAfter) return expire();
      arm();
    },
    onConnected() {
      // Due while the link was down: go now.
      if (ctx && !pending && ctx.clock.now() >= nextAttemptAt) void attempt();
    },
    async onMessage(suffix, payload) {
      if (suffix === 'cert/issued') await onIssued(payload);
    },
    stop() {
      stopped = true;
      timer?.cancel();
      pending?.timeout.cancel();
      pending = null;
    },
    setTrust(pem) {
      caPem = pem;
    },
    renewSoon(withinMs) {
      if (!ctx || stopped || expired) return;
      const at = ctx.clock.now() + Math.floor(random() * Math.max(0, withinMs));
      if (at >= nextAttemptAt) return;
      nextAttemptAt = at;
      ctx.logger.info('renewing early onto the CA the hub signs with now', { inMs: at - ctx.clock.now() });
      arm();
    },
    status: () => ({ notAfter: validity.notAfter, nextAttemptAt, failures, renewals, expired }),
  };
}
