import { createPrivateKey, X509Certificate } from 'node:crypto';

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Checks a certificate the hub returned before the device relies on it: signed by a CA the device
 * trusts (`caPem` may hold several), issued to this device, for the key just made here, and
 * currently valid. Throws why not.
 */
export function checkIssuedCertificate(c: {
  certPem: string;
  caPem: string;
  deviceId: string;
  privateKeyPem: string;
  now: number;
}): { notBefore: number; notAfter: number } {
  const cert = new X509Certificate(c.certPem);
  const cas = (c.caPem.match(PEM_CERT) ?? []).map((p) => new X509Certificate(p));
  if (!cas.some((ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey)))
    throw new Error('not signed by a hub CA this device trusts');
  if (!cert.subject.split('\n').includes(`CN=${c.deviceId}`)) throw new Error(`not issued to ${c.deviceId}`);
  if (!cert.checkPrivateKey(createPrivateKey(c.privateKeyPem))) throw new Error('not for the new key');
  const notBefore = Date.parse(cert.validFrom);
  const notAfter = Date.parse(cert.validTo);
  if (!(notAfter > c.now)) throw new Error('already expired');
  return { notBefore, notAfter };
}

/** notBefore/notAfter of a PEM certificate, epoch milliseconds. */
export function validityOf(certPem: string): { notBefore: number; notAfter: number } {
  const cert = new X509Certificate(certPem);
  return { notBefore: Date.parse(cert.validFrom), notAfter: Date.parse(cert.validTo) };
}
