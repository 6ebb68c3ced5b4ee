import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { TrustCrypto } from '@outpost/protocol';

// Ed25519 through node:crypto for the pure trust checks in @outpost/protocol (update-trust.ts).
const keys = new Map<string, KeyObject>();
function publicKey(pem: string): KeyObject {
  let k = keys.get(pem);
  if (!k) {
    k = createPublicKey(pem);
    if (k.asymmetricKeyType !== 'ed25519') throw new Error('release keys are Ed25519');
    if (keys.size > 256) keys.clear();
    keys.set(pem, k);
  }
  return k;
}

export const nodeTrustCrypto: TrustCrypto = {
  verify: (pem, data, sig) => verify(null, data, publicKey(pem), Buffer.from(sig, 'base64')),
  keyId: (pem) => createHash('sha256').update(publicKey(pem).export({ type: 'spki', format: 'der' })).digest('hex'),
};
