// Read-only helpers over PEM certificates, shared by the CA and its callers.
import { createHash, randomBytes } from 'node:crypto';
import { x509 } from './x509-provider.js';

export interface CertificateInfo {
  /** Lowercase hex, no leading 00 sign byte. */
  serial: string;
  notBefore: Date;
  notAfter: Date;
  subjectCn: string;
  /** SHA-256 of the DER, lowercase hex, no colons. */
  fingerprint: string;
}

/** Parses the first certificate of a PEM (a full chain is accepted; the leaf comes first). */
export function parseCertificate(certPem: string): x509.X509Certificate {
  const ders = x509.PemConverter.decode(certPem);
  if (ders.length === 0) throw new Error('no PEM certificate found');
  return new x509.X509Certificate(ders[0]);
}

/** Serial, validity, subject CN and fingerprint of the first certificate in `certPem`. */
export function certificateInfo(certPem: string): CertificateInfo {
  const cert = parseCertificate(certPem);
  return {
    serial: cert.serialNumber.toLowerCase(),
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    subjectCn: cert.subjectName.getField('CN')[0] ?? '',
    fingerprint: sha256Hex(cert.rawData),
  };
}

/** SHA-256 over the DER of the first certificate in `certPem`, lowercase hex without colons. */
export function fingerprintOf(certPem: string): string {
  return sha256Hex(parseCertificate(certPem).rawData);
}

/**
 * 16 random bytes as a positive serial: RFC 5280 §4.1.2.2 wants a positive
 * integer of at most 20 octets, and CA/B Forum BR §7.1 at least 64 random bits.
 * The first byte is kept in 0x01..0x7f so the DER needs no sign padding and the
 * hex written here is exactly the hex read back.
 */
export function randomSerialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x01;
  return bytes.toString('hex');
}

export function sha256Hex(data: ArrayBuffer | Uint8Array): string {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  return createHash('sha256').update(bytes).digest('hex');
}

export function toPem(der: ArrayBuffer, tag: 'CERTIFICATE' | 'PRIVATE KEY'): string {
  return x509.PemConverter.encode(der, tag);
}
