import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { documentSigningBytes, type GuardPolicyMessage, type KeyChainCrypto } from '@outpost/protocol';

/** The hub's guard key as a KeyObject, or undefined when the text is not an Ed25519 public key. */
export function parseGuardKey(pem: string | undefined): KeyObject | undefined {
  if (!pem) return undefined;
  try {
    const key = createPublicKey(pem);
    return key.asymmetricKeyType === 'ed25519' ? key : undefined;
  } catch {
    return undefined;
  }
}

/** SHA-256 of the key's SubjectPublicKeyInfo DER, lowercase hex: what people compare. */
export function keyFingerprint(key: KeyObject): string {
  return createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/** node:crypto for following the hub's key rotations (@outpost/protocol followKeyChain). */
export const keyChainCrypto: KeyChainCrypto = {
  fingerprint: (pem) => {
    const k = parseGuardKey(pem);
    return k ? keyFingerprint(k) : null;
  },
  verify: (signerPem, bytes, signatureB64) => {
    const k = parseGuardKey(signerPem);
    if (!k) return false;
    try {
      return verify(null, bytes, k, Buffer.from(signatureB64, 'base64'));
    } catch {
      return false;
    }
  },
};

/** True when the document carries a valid signature by `key` over all of its content. */
export function documentSignedBy(doc: GuardPolicyMessage, key: KeyObject | undefined): boolean {
  if (!key || !doc.signature) return false;
  try {
    return verify(null, documentSigningBytes(doc), key, Buffer.from(doc.signature, 'base64'));
  } catch {
    return false;
  }
}
