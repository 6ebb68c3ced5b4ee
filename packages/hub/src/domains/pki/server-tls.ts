// The hub's TLS server identity, kept on disk and re-issued only when needed.
import { createPublicKey } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { writeAtomic } from '../../platform/atomic-write.js';
import { decryptWithKek, encryptWithKek } from '../../platform/kek-seal.js';
import { join } from 'node:path';
import type { CertificateAuthority } from './ca.js';
import { parseCertificate } from './cert-info.js';
import { sanKey, subjectAltNames } from './cert-profiles.js';
import { x509 } from './x509-provider.js';
import { systemClock } from '../../platform/clock.js';
import { DEVICE_CERT_BACKDATE_MS } from '@outpost/protocol';

const RENEW_BEFORE_MS = 30 * 24 * 60 * 60 * 1000; // re-issue in the last 30 days of validity
// ...or, for lifetimes shorter than 90 days, once two thirds of it have passed.
const RENEW_SHARE = 2 / 3;

export interface ServerTlsOptions {
  dataDir: string;
  ca: Pick<CertificateAuthority, 'certPem' | 'issueServerCert'>;
  /** Seals the server key at rest, as it seals the CA key. */
  kek: Buffer;
  hostnames: string[];
  ips: string[];
  /** For tests: the instant the expiry check runs at. */
  now?: Date;
  /** Lifetime of a newly issued server certificate (default: the CA's, 397 days). */
  validitySeconds?: number;
}

export interface ServerTls {
  /**
   * Leaf followed by the CA certificate. Serving the CA in the chain lets an
   * enrolling device find the certificate its token pins by fingerprint.
   */
  certPem: string;
  /** PKCS#8 PEM. */
  keyPem: string;
}

const KEY_AAD = 'outpost hub server tls key';

/**
 * Loads `${dataDir}/pki/server.crt` + `server.key.enc` (the key sealed under the KEK), re-issuing
 * when missing, near expiry, from another CA or for other names. A clear `server.key` an earlier
 * release left is sealed and removed.
 */
export async function loadOrCreateServerTls(opts: ServerTlsOptions): Promise<ServerTls> {
  const dir = join(opts.dataDir, 'pki');
  const certPath = join(dir, 'server.crt');
  const keyPath = join(dir, 'server.key.enc');
  const clearKeyPath = join(dir, 'server.key');
  const existing = await readPair(certPath, keyPath, opts.kek);
  if (existing && (await isReusable(existing, opts))) {
    await rm(clearKeyPath, { force: true });
    return existing;
  }
  const legacy = await readClearPair(certPath, clearKeyPath);
  if (legacy && (await isReusable(legacy, opts))) {
    await writeAtomic(keyPath, encryptWithKek(opts.kek, Buffer.from(legacy.keyPem), KEY_AAD), 0o600);
    await rm(clearKeyPath, { force: true });
    return legacy;
  }
  const issued = await opts.ca.issueServerCert({
    hostnames: opts.hostnames,
    ips: opts.ips,
    ...(opts.validitySeconds !== undefined ? { validitySeconds: opts.validitySeconds } : {}),
  });
  const fresh = { certPem: issued.certPem + opts.ca.certPem, keyPem: issued.keyPem };
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeAtomic(keyPath, encryptWithKek(opts.kek, Buffer.from(fresh.keyPem), KEY_AAD), 0o600);
  await writeAtomic(certPath, fresh.certPem, 0o600);
  await rm(clearKeyPath, { force: true });
  return fresh;
}

/** The server key as PKCS#8 PEM, opened with the KEK (for a tool that serves the hub's identity itself). */
export async function readServerKeyPem(dataDir: string, kek: Buffer): Promise<string> {
  return decryptWithKek(kek, await readFile(join(dataDir, 'pki', 'server.key.enc')), KEY_AAD).toString('utf8');
}

async function readPair(certPath: string, keyPath: string, kek: Buffer): Promise<ServerTls | null> {
  let sealed: Buffer;
  let certPem: string;
  try {
    [sealed, certPem] = await Promise.all([readFile(keyPath), readFile(certPath, 'utf8')]);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    return { certPem, keyPem: decryptWithKek(kek, sealed, KEY_AAD).toString('utf8') };
  } catch {
    return null; // sealed under another KEK or damaged: issue a new pair
  }
}

async function readClearPair(certPath: string, keyPath: string): Promise<ServerTls | null> {
  try {
    return { certPem: await readFile(certPath, 'utf8'), keyPem: await readFile(keyPath, 'utf8') };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function isReusable(pair: ServerTls, opts: ServerTlsOptions): Promise<boolean> {
  let leaf: x509.X509Certificate;
  try {
    leaf = parseCertificate(pair.certPem);
  } catch {
    return false; // unreadable: replace it
  }
  const now = opts.now ?? systemClock.now();
  if (now.getTime() >= serverRenewalTime(leaf.notBefore, leaf.notAfter).getTime()) return false;
  if (!sameNames(leaf, opts) || !keyMatches(leaf, pair.keyPem) || !pair.certPem.includes(opts.ca.certPem.trim()))
    return false;
  const caCert = parseCertificate(opts.ca.certPem);
  return leaf.verify({ publicKey: caCert.publicKey, signatureOnly: true });
}

function sameNames(leaf: x509.X509Certificate, opts: ServerTlsOptions): boolean {
  const current = leaf.getExtension(x509.SubjectAlternativeNameExtension);
  if (!current) return false;
  try {
    return sanKey(current) === sanKey(subjectAltNames(opts));
  } catch {
    return false; // the wanted names are invalid; issuing will report why
  }
}

function keyMatches(leaf: x509.X509Certificate, keyPem: string): boolean {
  try {
    const spki = createPublicKey(keyPem).export({ type: 'spki', format: 'der' });
    return Buffer.from(leaf.publicKey.rawData).equals(spki);
  } catch {
    return false;
  }
}

/** When a server certificate valid from notBefore to notAfter is re-issued. */
export function serverRenewalTime(notBefore: Date, notAfter: Date): Date {
  // notBefore is backdated for clock skew; the share counts from the real issue time.
  const issued = Math.min(notBefore.getTime() + DEVICE_CERT_BACKDATE_MS, notAfter.getTime());
  const lifetime = notAfter.getTime() - issued;
  return new Date(notAfter.getTime() - Math.min(RENEW_BEFORE_MS, lifetime * (1 - RENEW_SHARE)));
}

/** The notAfter of the leaf in a served chain. */
export function serverNotAfter(tls: ServerTls): Date {
  return parseCertificate(tls.certPem).notAfter;
}
