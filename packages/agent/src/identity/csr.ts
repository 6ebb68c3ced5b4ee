// The device's key pair and its PKCS#10 request (RFC 2986). The private key is
// generated here and never sent anywhere; only the CSR goes to the hub.
import { subtle, x509 } from './x509-provider.js';

export interface KeyAndCsr {
  /** PKCS#8 PEM ("BEGIN PRIVATE KEY"), usable as `key` by node:tls. */
  privateKeyPem: string;
  csrPem: string;
}

/** Makes an ECDSA P-256 key pair and a CSR for it with subject CN = deviceId. */
export async function createKeyAndCsr(deviceId: string): Promise<KeyAndCsr> {
  const keys = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    // JSON form, so characters such as "," or "=" in an id are not parsed as DN syntax.
    name: [{ CN: [deviceId] }],
    keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
  });
  const pkcs8 = await subtle.exportKey('pkcs8', keys.privateKey);
  return {
    privateKeyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') + '\n',
    csrPem: csr.toString('pem') + '\n',
  };
}
