import { createHash, createPublicKey, type KeyObject } from 'node:crypto';

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
  return createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex');
}
