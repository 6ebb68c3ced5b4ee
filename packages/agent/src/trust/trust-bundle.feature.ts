// The CAs this device trusts, kept current by the hub: a `ca/bundle` message arrives over the
// connection the device's current trust authenticated; the bundle is checked, stored atomically in
// the state directory and used for every later connection. A device whose certificate another CA
// issued than the one signing now renews at a random moment within the hub's spread.
import { CaBundleMessage, compileValidator } from '@outpost/protocol';
import type { AgentFeature, FeatureContext } from '../core/feature.js';
import { checkTrustBundle, splitPemCertificates, TrustBundleError, fingerprintOf } from './trust-bundle.js';
import { X509Certificate } from 'node:crypto';

export interface TrustBundleOptions {
  /** The bundle trusted now (ca.crt). */
  caPem: string;
  /** The device's certificate in use now. */
  certPem(): string;
  /** Keeps the bundle (atomically) before anything uses it. */
  store(bundlePem: string): Promise<void>;
  /** Uses the bundle from now on: next connections, downloads, certificate checks. */
  apply(bundlePem: string): void;
  /** Renew at a random moment within this many ms (the renewal feature picks it). */
  renewSoon(withinMs: number): void;
}

export interface TrustBundleFeature extends AgentFeature {
  /** For status and tests: the fingerprints trusted now, bundles taken, bundles refused (last reason). */
  status(): { fingerprints: string[]; updates: number; refused: number; lastRefusal: string | null };
}

const validate = compileValidator(CaBundleMessage);

export function createTrustBundleFeature(o: TrustBundleOptions): TrustBundleFeature {
  let current = o.caPem;
  let fingerprints = splitPemCertificates(current).map((p) => fingerprintOf(new X509Certificate(p)));
  let updates = 0;
  let refused = 0;
  let lastRefusal: string | null = null;
  // One message at a time: a second one waits for the first to be stored.
  let chain: Promise<void> = Promise.resolve();

  async function refuse(ctx: FeatureContext, reason: string, message: string) {
    refused++;
    lastRefusal = reason;
    ctx.logger.warn('trust bundle from the hub refused; keeping the CAs trusted now', { reason, message });
    await ctx.emit('agent.trust_bundle_refused', 'warning', { reason }).catch(() => undefined);
  }

  async function onBundle(payload: Buffer, ctx: FeatureContext) {
    const m = validate.parse(payload);
    if (!m.ok) return refuse(ctx, 'bundle_malformed', m.code);
    let checked;
    try {
      checked = checkTrustBundle({
        bundlePem: m.value.bundlePem,
        activeFingerprint: m.value.activeFingerprint,
        ownCertPem: o.certPem(),
        now: ctx.clock.now(),
      });
    } catch (err) {
      if (err instanceof TrustBundleError) return refuse(ctx, err.code, err.message);
      throw err;
    }
    if (checked.pem !== current) {
      try {
        await o.store(checked.pem);
      } catch (err) {
        return refuse(ctx, 'bundle_store_failed', (err as Error).message);
      }
      current = checked.pem;
      fingerprints = checked.fingerprints;
      updates++;
      o.apply(checked.pem);
      ctx.logger.info('trust bundle updated', { cas: checked.fingerprints.map((f) => f.slice(0, 16)) });
    }
    if (!checked.ownOnActive) o.renewSoon(m.value.renewWithinS * 1000);
  }

  return {
    name: 'trust-bundle',
    subscriptions: ['ca/bundle'],
    onMessage(suffix, payload, ctx) {
      if (suffix !== 'ca/bundle') return;
      const next = chain.then(() => onBundle(payload, ctx));
      chain = next.catch(() => undefined);
      return next;
    },
    status: () => ({ fingerprints: [...fingerprints], updates, refused, lastRefusal }),
  };
}
