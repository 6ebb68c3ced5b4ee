// Checks a trust bundle the hub sent before the device relies on it: only CA certificates, each
// self-signed and valid now, at most MAX_TRUSTED_CAS of them, naming the CA that signs, and still
// holding the CA that issued this device's own certificate (else the device would lock itself out).
import { createHash, X509Certificate } from 'node:crypto';
import { MAX_TRUSTED_CAS } from '@outpost/protocol';

export type TrustBundleRefusal =
  | 'bundle_malformed'
  | 'bundle_too_large'
  | 'bundle_not_ca'
  | 'bundle_ca_invalid'
  | 'bundle_lacks_active_ca'
  | 'bundle_lacks_own_issuer';

export class TrustBundleError extends Error {
  constructor(
    readonly code: TrustBundleRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'TrustBundleError';
  }
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The PEM certificates in a bundle, in order. */
export function splitPemCertificates(pem: string): string[] {
  return pem.match(PEM_CERT) ?? [];
}

export const fingerprintOf = (cert: X509Certificate) => createHash('sha256').update(cert.raw).digest('hex');

export interface CheckedBundle {
  /** The bundle as it is stored: each certificate once, in the hub's order. */
  pem: string;
  fingerprints: string[];
  /** The CA in the bundle that issued the device's own certificate. */
  ownIssuer: string;
  /** Whether the device's certificate comes from the CA that signs now. */
  ownOnActive: boolean;
}

export function checkTrustBundle(b: {
  bundlePem: string;
  activeFingerprint: string;
  ownCertPem: string;
  now: number;
}): CheckedBundle {
  const pems = splitPemCertificates(b.bundlePem);
  if (pems.length === 0) throw new TrustBundleError('bundle_malformed', 'the trust bundle holds no certificate');
  if (pems.length > MAX_TRUSTED_CAS)
    throw new TrustBundleError('bundle_too_large', `the trust bundle holds ${pems.length} certificates`);
  const cas = pems.map((p) => {
    try {
      return new X509Certificate(p);
    } catch {
      throw new TrustBundleError('bundle_malformed', 'the trust bundle holds an unreadable certificate');
    }
  });
  for (const ca of cas) {
    if (!ca.ca) throw new TrustBundleError('bundle_not_ca', `"${ca.subject}" is not a CA certificate`);
    if (!ca.checkIssued(ca) || !ca.verify(ca.publicKey))
      throw new TrustBundleError('bundle_ca_invalid', `"${ca.subject}" is not a self-signed root`);
    if (b.now < Date.parse(ca.validFrom) || b.now > Date.parse(ca.validTo))
      throw new TrustBundleError('bundle_ca_invalid', `"${ca.subject}" is not valid now`);
  }
  const fingerprints = cas.map(fingerprintOf);
  if (!fingerprints.includes(b.activeFingerprint))
    throw new TrustBundleError('bundle_lacks_active_ca', 'the CA that signs is not in the trust bundle');
  const own = new X509Certificate(b.ownCertPem);
  const issuer = cas.findIndex((ca) => own.checkIssued(ca) && own.verify(ca.publicKey));
  if (issuer < 0)
    throw new TrustBundleError('bundle_lacks_own_issuer', "the trust bundle drops the CA of this device's certificate");
  const unique = pems.filter((_, i) => fingerprints.indexOf(fingerprints[i]) === i);
  return {
    pem: unique.map((p) => p + '\n').join(''),
    fingerprints: [...new Set(fingerprints)],
    ownIssuer: fingerprints[issuer],
    ownOnActive: fingerprints[issuer] === b.activeFingerprint,
  };
}
