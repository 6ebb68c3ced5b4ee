import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { metadataSigningBytes } from '../shared/signing-bytes.js';
import type { TrustCrypto } from '../update-trust.js';
import type { ManifestBody, RootBody, UpdateSignature } from '../updates-messages.js';

// Ed25519 release keys through node:crypto (no library): key ids, verification (agent and hub),
// and signing (the releaser's `outpost artifact sign`, tests). Node only: the console never loads it.

const cache = new Map<string, KeyObject>();
function publicKey(pem: string): KeyObject {
  let k = cache.get(pem);
  if (!k) {
    k = createPublicKey(pem);
    if (k.asymmetricKeyType !== 'ed25519') throw new Error('release keys are Ed25519');
    if (cache.size > 64) cache.clear();
    cache.set(pem, k);
  }
  return k;
}

/** SHA-256 of the public key's SPKI DER, lowercase hex. */
export function keyIdOf(publicKeyPem: string): string {
  return createHash('sha256')
    .update(publicKey(publicKeyPem).export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

export const nodeTrustCrypto: TrustCrypto = {
  verify: (pem, data, sig) => verify(null, data, publicKey(pem), Buffer.from(sig, 'base64')),
  keyId: keyIdOf,
};

/** A new Ed25519 release key: PKCS#8 PEM (keep it offline, 0600) and its public half. */
export function generateReleaseKey(): { privateKeyPem: string; publicKeyPem: string; keyid: string } {
  const { privateKey, publicKey: pub } = generateKeyPairSync('ed25519');
  const publicKeyPem = pub.export({ type: 'spki', format: 'pem' }).toString();
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem,
    keyid: keyIdOf(publicKeyPem),
  };
}

/** Signs manifest or root metadata: Ed25519 over its canonical JSON. */
export function signMetadata(body: ManifestBody | RootBody, privateKeyPem: string): UpdateSignature {
  const key = createPrivateKey(privateKeyPem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('release keys are Ed25519');
  const publicKeyPem = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
  return { keyid: keyIdOf(publicKeyPem), sig: sign(null, metadataSigningBytes(body), key).toString('base64') };
}

export function publicKeyOf(privateKeyPem: string): string {
  return createPublicKey(createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'pem' }).toString();
}
