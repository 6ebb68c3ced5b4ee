// The hub's device certificate authority: one self-signed ECDSA P-256 root whose
// key lives encrypted under the KEK, issuing server and device leaf certificates.
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { writeAtomic } from '../../platform/atomic-write.js';
import { join } from 'node:path';
import { decryptWithKek, encryptWithKek } from '../../platform/kek-seal.js';
import { fingerprintOf, parseCertificate, randomSerialHex, sha256Hex, toPem } from './cert-info.js';
import { deviceExtensions, serverExtensions, type SubjectAltNames } from './cert-profiles.js';
import { CsrError, verifiedCsr } from './csr-check.js';
import { EC_P256, ECDSA_SHA256, subtle, x509, type CryptoKey } from './x509-provider.js';
import { systemClock, type Clock } from '../../platform/clock.js';
import { DEVICE_CERT_BACKDATE_MS } from '@outpost/protocol';

export { CsrError } from './csr-check.js';
export { certificateInfo, fingerprintOf, type CertificateInfo } from './cert-info.js';

const DEFAULT_CN = 'Outpost Device CA';
const CA_VALIDITY_YEARS = 10;
const DEFAULT_DEVICE_DAYS = 365;
const DEFAULT_SERVER_DAYS = 397; // the longest TLS server lifetime browsers accept (CA/B Forum BR §6.3.2)
const DAY_MS = 24 * 60 * 60 * 1000;
// Leaves start a little in the past so a device whose clock lags the hub still accepts them; the
// protocol names the amount so a device can tell the real lifetime from notBefore/notAfter.
const CLOCK_SKEW_MS = DEVICE_CERT_BACKDATE_MS;
// Binds the encrypted blob to its purpose so another KEK-encrypted blob cannot be swapped in.
export const CA_KEY_AAD = 'outpost:ca-key:v1';

export interface CaOptions {
  dataDir: string;
  kek: Buffer;
  commonName?: string;
  /** Issues certificates valid from the hub's now (backdated a little for skew). */
  clock?: Clock;
  /** The CA's id in the hub's CA set (default `ca-1`, the first CA, kept in `ca.crt`). */
  id?: string;
  /** File names under `${dataDir}/pki` (default `ca.crt` and `ca.key.enc`). */
  files?: { cert: string; key: string };
}

export interface IssuedDeviceCert {
  certPem: string;
  /** Lowercase hex. */
  serial: string;
  notAfter: Date;
  /** SHA-256 of the certified public key (SPKI DER), lowercase hex. */
  publicKeySha256: string;
  /** The id of the CA that signed it. */
  caId: string;
}

export interface DeviceCsrOptions {
  /** Lifetime in days; `validitySeconds` wins when both are given. */
  validityDays?: number;
  validitySeconds?: number;
  now?: Date;
  /** Renewal: the CSR's subject CN must be exactly this device id. */
  requireSubjectCn?: string;
  /** Renewal: refuse a CSR whose public key has this SPKI SHA-256 (the key being replaced). */
  refuseKeySha256?: string;
}

export interface CertificateAuthority {
  /** The CA's id in the hub's CA set (`ca-1`, `ca-2`, …). */
  id: string;
  certPem: string;
  /** SHA-256 of the CA certificate DER, lowercase hex, no colons. */
  fingerprint: string;
  issueServerCert(opts: {
    hostnames: string[];
    ips: string[];
    validityDays?: number;
    validitySeconds?: number;
  }): Promise<{ certPem: string; keyPem: string }>;
  signDeviceCsr(csrPem: string, deviceId: string, opts?: DeviceCsrOptions): Promise<IssuedDeviceCert>;
  /**
   * A certificate revocation list (PEM) naming these serials (lowercase hex), valid for `validForMs`;
   * what an external broker checks device certificates against.
   */
  signCrl(revoked: Array<{ serial: string; revokedAt: string }>, validForMs: number): Promise<string>;
}

interface CaMaterial {
  cert: x509.X509Certificate;
  key: CryptoKey;
}

/** Loads `${dataDir}/pki/ca.crt` + `ca.key.enc` (or the files named), or creates them on first start. */
export async function loadOrCreateCa(opts: CaOptions): Promise<CertificateAuthority> {
  const { dataDir, kek, commonName = DEFAULT_CN, clock = systemClock, id = 'ca-1' } = opts;
  const dir = join(dataDir, 'pki');
  const certPath = join(dir, opts.files?.cert ?? 'ca.crt');
  const keyPath = join(dir, opts.files?.key ?? 'ca.key.enc');
  const hasCert = existsSync(certPath);
  const hasKey = existsSync(keyPath);
  if (hasCert !== hasKey) {
    // Never silently mint a new root: every enrolled device trusts the old one.
    const missing = hasCert ? keyPath : certPath;
    throw new Error(`CA is incomplete: ${missing} is missing; restore it, or remove both CA files to create a new CA`);
  }
  const material = hasCert
    ? await loadCa(certPath, keyPath, kek)
    : await createCa(dir, certPath, keyPath, kek, commonName, clock.now());
  return authorityFrom(id, material, clock);
}

/** Whether `kek` opens the CA key kept in `dataDir` (true when there is no CA yet). */
export async function caKeyOpensWith(dataDir: string, kek: Buffer): Promise<boolean> {
  const keyPath = join(dataDir, 'pki', 'ca.key.enc');
  if (!existsSync(keyPath)) return true;
  try {
    decryptWithKek(kek, await readFile(keyPath), CA_KEY_AAD);
    return true;
  } catch {
    return false;
  }
}

async function createCa(
  dir: string,
  certPath: string,
  keyPath: string,
  kek: Buffer,
  commonName: string,
  now: Date,
): Promise<CaMaterial> {
  const keys = await subtle.generateKey(EC_P256, true, ['sign', 'verify']);
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + CA_VALIDITY_YEARS);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialHex(),
    name: [{ CN: [commonName] }],
    notBefore: now,
    notAfter,
    keys,
    signingAlgorithm: ECDSA_SHA256,
    extensions: [
      // pathLen 0: this root signs only leaves (RFC 5280 §4.2.1.9).
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pkcs8 = Buffer.from(await subtle.exportKey('pkcs8', keys.privateKey));
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeAtomic(keyPath, encryptWithKek(kek, pkcs8, CA_KEY_AAD), 0o600);
  await writeAtomic(certPath, cert.toString('pem') + '\n', 0o600);
  return { cert, key: keys.privateKey };
}

async function loadCa(certPath: string, keyPath: string, kek: Buffer): Promise<CaMaterial> {
  const cert = parseCertificate(await readFile(certPath, 'utf8'));
  let pkcs8: Buffer;
  try {
    pkcs8 = decryptWithKek(kek, await readFile(keyPath), CA_KEY_AAD);
  } catch (err) {
    throw new Error(
      `cannot decrypt CA key ${keyPath}: ${(err as Error).message} (is this the KEK the CA was created with?)`,
    );
  }
  const key = await subtle.importKey('pkcs8', pkcs8, EC_P256, false, ['sign']);
  await assertKeyMatches(cert, key);
  return { cert, key };
}

async function assertKeyMatches(cert: x509.X509Certificate, key: CryptoKey): Promise<void> {
  const probe = Buffer.from('outpost-ca-key-check');
  const signature = await subtle.sign(ECDSA_SHA256, key, probe);
  const publicKey = await cert.publicKey.export(EC_P256, ['verify']);
  if (!(await subtle.verify(ECDSA_SHA256, publicKey, signature, probe))) {
    throw new Error('CA key does not match ca.crt');
  }
}

function authorityFrom(id: string, ca: CaMaterial, clock: Clock): CertificateAuthority {
  const certPem = ca.cert.toString('pem') + '\n';
  return {
    id,
    certPem,
    fingerprint: fingerprintOf(certPem),
    issueServerCert: (opts) => issueServerCert(ca, opts, clock.now()),
    signDeviceCsr: async (csrPem, deviceId, opts) => ({
      ...(await signDeviceCsr(ca, csrPem, deviceId, { now: clock.now(), ...opts })),
      caId: id,
    }),
    signCrl: (revoked, validForMs) => signCrl(ca, revoked, clock.now(), validForMs),
  };
}

async function signCrl(
  ca: CaMaterial,
  revoked: Array<{ serial: string; revokedAt: string }>,
  now: Date,
  validForMs: number,
): Promise<string> {
  const crl = await x509.X509CrlGenerator.create({
    issuer: ca.cert.subjectName,
    // Backdated like the leaves, so a broker whose clock lags a little does not find it "not yet valid".
    thisUpdate: new Date(now.getTime() - CLOCK_SKEW_MS),
    nextUpdate: new Date(now.getTime() + validForMs),
    entries: revoked.map((r) => ({ serialNumber: r.serial, revocationDate: new Date(r.revokedAt) })),
    signingKey: ca.key,
    signingAlgorithm: ECDSA_SHA256,
    extensions: [await x509.AuthorityKeyIdentifierExtension.create(ca.cert)],
  });
  // OpenSSL (and so Mosquitto) reads only the RFC 7468 label.
  return x509.PemConverter.encode(crl.rawData, 'X509 CRL') + '\n';
}

async function issueServerCert(
  ca: CaMaterial,
  opts: SubjectAltNames & { validityDays?: number; validitySeconds?: number },
  now: Date,
): Promise<{ certPem: string; keyPem: string }> {
  const keys = await subtle.generateKey(EC_P256, true, ['sign', 'verify']);
  const cn = opts.hostnames[0] ?? opts.ips[0] ?? '';
  const extensions = await serverExtensions(ca.cert, keys.publicKey, opts);
  const cert = await issueLeaf(ca, {
    cn,
    publicKey: keys.publicKey,
    extensions,
    lifetimeMs:
      opts.validitySeconds !== undefined
        ? opts.validitySeconds * 1000
        : (opts.validityDays ?? DEFAULT_SERVER_DAYS) * DAY_MS,
    now,
  });
  const keyPem = toPem(await subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
  return { certPem: cert.toString('pem') + '\n', keyPem: keyPem + '\n' };
}

async function signDeviceCsr(
  ca: CaMaterial,
  csrPem: string,
  deviceId: string,
  opts: DeviceCsrOptions & { now: Date },
): Promise<Omit<IssuedDeviceCert, 'caId'>> {
  // RFC 5280 appendix A.1: ub-common-name is 64 characters.
  if (deviceId.length === 0 || deviceId.length > 64) throw new Error('device id must be 1-64 characters');
  const { publicKey, subjectCn } = await verifiedCsr(csrPem);
  if (opts.requireSubjectCn !== undefined && subjectCn !== opts.requireSubjectCn)
    throw new CsrError(`certificate request subject must be CN=${opts.requireSubjectCn}`);
  const publicKeySha256 = sha256Hex(publicKey.rawData);
  if (opts.refuseKeySha256 !== undefined && publicKeySha256 === opts.refuseKeySha256)
    throw new CsrError('certificate request reuses the key of the certificate it replaces; make a new key pair');
  const extensions = await deviceExtensions(ca.cert, publicKey);
  const lifetimeMs =
    opts.validitySeconds !== undefined
      ? opts.validitySeconds * 1000
      : (opts.validityDays ?? DEFAULT_DEVICE_DAYS) * DAY_MS;
  // At enrollment the requested subject is ignored: the hub alone decides the identity it vouches for.
  const cert = await issueLeaf(ca, { cn: deviceId, publicKey, extensions, lifetimeMs, now: opts.now });
  return {
    certPem: cert.toString('pem') + '\n',
    serial: cert.serialNumber.toLowerCase(),
    notAfter: cert.notAfter,
    publicKeySha256,
  };
}

interface LeafParams {
  cn: string;
  publicKey: CryptoKey | x509.PublicKey;
  extensions: x509.Extension[];
  lifetimeMs: number;
  now: Date;
}

async function issueLeaf(ca: CaMaterial, p: LeafParams): Promise<x509.X509Certificate> {
  if (!Number.isFinite(p.lifetimeMs) || p.lifetimeMs < 1000) throw new Error('certificate lifetime must be positive');
  return x509.X509CertificateGenerator.create({
    serialNumber: randomSerialHex(),
    subject: p.cn ? [{ CN: [p.cn] }] : [],
    issuer: ca.cert.subjectName,
    notBefore: new Date(p.now.getTime() - CLOCK_SKEW_MS),
    notAfter: new Date(p.now.getTime() + Math.round(p.lifetimeMs)),
    publicKey: p.publicKey,
    signingKey: ca.key,
    signingAlgorithm: ECDSA_SHA256,
    extensions: p.extensions,
  });
}
