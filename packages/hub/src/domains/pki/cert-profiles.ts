// Extension sets for the two leaf profiles the CA issues.
import { isIP } from 'node:net';
import { x509, type CryptoKey } from './x509-provider.js';

export interface SubjectAltNames {
  hostnames: string[];
  ips: string[];
}

/** TLS server leaf: serverAuth only, named by DNS and IP SANs (RFC 5280 §4.2.1.6). */
export async function serverExtensions(
  caCert: x509.X509Certificate,
  publicKey: CryptoKey,
  sans: SubjectAltNames,
): Promise<x509.Extension[]> {
  return [
    ...(await leafBase(caCert, publicKey)),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    subjectAltNames(sans),
  ];
}

/** Device leaf: clientAuth only, so a device certificate can never pose as the hub. */
export async function deviceExtensions(
  caCert: x509.X509Certificate,
  publicKey: x509.PublicKey,
): Promise<x509.Extension[]> {
  return [
    ...(await leafBase(caCert, publicKey)),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
  ];
}

/** The SAN extension for a name set; throws on an empty set or a malformed IP. */
export function subjectAltNames({ hostnames, ips }: SubjectAltNames): x509.SubjectAlternativeNameExtension {
  if (hostnames.length + ips.length === 0) throw new Error('a server certificate needs at least one hostname or IP');
  const bad = ips.find((ip) => isIP(ip) === 0);
  if (bad !== undefined) throw new Error(`not an IP address: "${bad}"`);
  const names = [
    ...hostnames.map((value) => ({ type: 'dns' as const, value })),
    ...ips.map((value) => ({ type: 'ip' as const, value })),
  ];
  return new x509.SubjectAlternativeNameExtension(names);
}

/** Canonical, order-independent form of a SAN set, for "did the names change" checks. */
export function sanKey(san: x509.SubjectAlternativeNameExtension): string {
  return san.names.items
    .map((n) => `${n.type}:${n.type === 'dns' ? n.value.toLowerCase() : n.value}`)
    .sort()
    .filter((v, i, all) => i === 0 || all[i - 1] !== v)
    .join(',');
}

async function leafBase(
  caCert: x509.X509Certificate,
  publicKey: CryptoKey | x509.PublicKey,
): Promise<x509.Extension[]> {
  return [
    new x509.BasicConstraintsExtension(false, undefined, true),
    // ECDSA leaves need only digitalSignature for TLS 1.2 ECDHE and TLS 1.3 (RFC 8446 §4.4.2.2).
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    await x509.SubjectKeyIdentifierExtension.create(publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey),
  ];
}
