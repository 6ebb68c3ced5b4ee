// Device certificates for the scale benchmark at the speed of one ECDSA signature each: the hub CA
// signs one certificate the hub's way (ca.signDeviceCsr, @peculiar/x509); every further one takes
// that certificate's TBSCertificate (RFC 5280 §4.1) and changes only what differs per device —
// serial, subject CN, public key and the subject key identifier — then is signed with node:crypto
// under the same CA key. Issuer, validity, algorithm and every other extension are the hub's own.
import { createHash, randomBytes, sign, type KeyObject } from 'node:crypto';
import {
  derBitString,
  derOid,
  derSequence,
  derSet,
  derTlv,
  derUtf8String,
} from '../packages/agent/src/identity/der.js';

/** The TLVs directly inside a constructed TLV (its content), each whole (tag, length, value). */
export function derChildren(tlv: Buffer): Buffer[] {
  const inner = tlv.subarray(headerLength(tlv));
  const out: Buffer[] = [];
  for (let off = 0; off < inner.length;) {
    const item = inner.subarray(off);
    const len = headerLength(item) + contentLength(item);
    out.push(item.subarray(0, len));
    off += len;
  }
  return out;
}

function headerLength(tlv: Buffer): number {
  return tlv[1] < 0x80 ? 2 : 2 + (tlv[1] & 0x7f);
}

function contentLength(tlv: Buffer): number {
  if (tlv[1] < 0x80) return tlv[1];
  let n = 0;
  for (let i = 0; i < (tlv[1] & 0x7f); i++) n = n * 256 + tlv[2 + i];
  return n;
}

const SKI_OID = derOid('2.5.29.14');
const CN_OID = '2.5.4.3';

export interface CertTemplate {
  /** Issues a certificate for `deviceId` and the SPKI (DER) of its key, signed by `caKey`. */
  issue(deviceId: string, spki: Buffer): string;
}

export function certTemplate(templatePem: string, caKey: KeyObject): CertTemplate {
  const der = Buffer.from(templatePem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const [tbs, algorithm] = derChildren(der);
  const parts = derChildren(tbs);
  // version [0], serial, signature, issuer, validity, subject, subjectPublicKeyInfo, extensions [3]
  if (parts.length !== 8 || parts[0][0] !== 0xa0 || parts[7][0] !== 0xa3)
    throw new Error('unexpected device certificate layout');
  const [version, , signature, issuer, validity] = parts;
  const extensions = derChildren(derChildren(parts[7])[0]);
  return {
    issue(deviceId, spki) {
      const serial = randomBytes(16);
      serial[0] = (serial[0] & 0x7f) | 0x01;
      const subject = derSequence(derSet(derSequence(derOid(CN_OID), derUtf8String(deviceId))));
      // RFC 5280 §4.2.1.2 (1): the SHA-1 of the subjectPublicKey bits (an uncompressed P-256 point).
      const keyId = createHash('sha1')
        .update(spki.subarray(spki.length - 65))
        .digest();
      const ski = derSequence(SKI_OID, derTlv(0x04, derTlv(0x04, keyId)));
      const exts = extensions.map((e) => (derChildren(e)[0].equals(SKI_OID) ? ski : e));
      const body = derSequence(
        version,
        derTlv(0x02, serial),
        signature,
        issuer,
        validity,
        subject,
        spki,
        derTlv(0xa3, derSequence(...exts)),
      );
      const sig = sign('sha256', body, { key: caKey, dsaEncoding: 'der' });
      const cert = derSequence(body, algorithm, derBitString(sig)).toString('base64');
      return `-----BEGIN CERTIFICATE-----\n${cert.replace(/(.{64})/g, '$1\n').trimEnd()}\n-----END CERTIFICATE-----\n`;
    },
  };
}
