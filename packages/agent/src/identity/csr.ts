// The device's key pair and its PKCS#10 request (RFC 2986). The private key is
// generated here and never sent anywhere; only the CSR goes to the hub. The request is
// encoded by hand (der.ts) and signed with node:crypto, so the agent needs no X.509 library.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { derBitString, derContext, derOid, derSequence, derSet, derSmallInteger, derUtf8String } from './der.js';

export interface KeyAndCsr {
  /** PKCS#8 PEM ("BEGIN PRIVATE KEY"), usable as `key` by node:tls. */
  privateKeyPem: string;
  csrPem: string;
}

const OID_COMMON_NAME = '2.5.4.3'; // X.520 id-at-commonName
const OID_ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2'; // RFC 5758 §3.2: parameters absent
// X.520 ub-common-name: a longer CN is not a valid DirectoryString for commonName.
const MAX_COMMON_NAME = 64;

/** Makes an ECDSA P-256 key pair and a CSR for it with subject CN = deviceId. */
export async function createKeyAndCsr(deviceId: string): Promise<KeyAndCsr> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    csrPem: toPem(buildCsr(deviceId, privateKey, publicKey), 'CERTIFICATE REQUEST'),
  };
}

/** The DER CertificationRequest for CN = commonName, signed with ECDSA-SHA256 by `privateKey`. */
export function buildCsr(commonName: string, privateKey: KeyObject, publicKey: KeyObject): Buffer {
  const cnLength = [...commonName].length;
  if (cnLength === 0 || cnLength > MAX_COMMON_NAME)
    throw new Error(`common name must be 1 to ${MAX_COMMON_NAME} characters`);
  // One RDN with one attribute, as a UTF8String, so "," or "=" in an id are plain characters.
  const subject = derSequence(derSet(derSequence(derOid(OID_COMMON_NAME), derUtf8String(commonName))));
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  // CertificationRequestInfo: version 0, subject, key, attributes [0] (empty: no extensions asked for).
  const info = derSequence(derSmallInteger(0), subject, spki, derContext(0, Buffer.alloc(0)));
  // node:crypto signs EC keys with a DER Ecdsa-Sig-Value, the form X.509 carries in the BIT STRING.
  const signature = sign('sha256', info, { key: privateKey, dsaEncoding: 'der' });
  return derSequence(info, derSequence(derOid(OID_ECDSA_WITH_SHA256)), derBitString(signature));
}

export function toPem(der: Buffer, label: string): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
