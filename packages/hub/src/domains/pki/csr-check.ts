// Validation of device certificate signing requests (PKCS#10, RFC 2986).
import { createPublicKey } from 'node:crypto';
import { ErrorCode } from '@outpost/protocol';
import { x509 } from './x509-provider.js';

// A P-256 CSR is well under 1 KiB; the bound keeps hostile input from reaching the ASN.1 parser.
const MAX_CSR_PEM_CHARS = 16 * 1024;

export class CsrError extends Error {
  readonly code = ErrorCode.CsrInvalid;

  constructor(message: string) {
    super(message);
    this.name = 'CsrError';
  }
}

/** Parses a PEM CSR, requires an EC P-256 key and a valid self-signature; returns its public key and requested CN ('' when none). */
export async function verifiedCsr(csrPem: string): Promise<{ publicKey: x509.PublicKey; subjectCn: string }> {
  if (typeof csrPem !== 'string' || csrPem.length > MAX_CSR_PEM_CHARS) {
    throw new CsrError('certificate request is missing or too large');
  }
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(csrPem);
  } catch {
    throw new CsrError('certificate request is not a valid PEM-encoded PKCS#10 request');
  }
  assertP256(csr.publicKey);
  let valid = false;
  try {
    valid = await csr.verify();
  } catch {
    valid = false;
  }
  if (!valid) throw new CsrError('certificate request signature does not verify');
  return { publicKey: csr.publicKey, subjectCn: csr.subjectName.getField('CN')[0] ?? '' };
}

function assertP256(publicKey: x509.PublicKey): void {
  let curve: string | undefined;
  try {
    const key = createPublicKey({ key: Buffer.from(publicKey.rawData), format: 'der', type: 'spki' });
    curve = key.asymmetricKeyType === 'ec' ? key.asymmetricKeyDetails?.namedCurve : undefined;
  } catch {
    curve = undefined;
  }
  // OpenSSL's name for NIST P-256 / secp256r1.
  if (curve !== 'prime256v1') throw new CsrError('certificate request key must be ECDSA P-256');
}
