import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { WriteGrant } from '@outpost/protocol';
import { canonicalJson } from '../../platform/canonical-json.js';
import { decryptWithKek, encryptWithKek } from '../pki/kek.js';
import type { GuardStore } from './guard.store.js';

// The hub's Ed25519 key for OT guard write grants. Separate from the CA: it signs nothing
// but grants. The private half is stored encrypted with the KEK (AES-256-GCM, the AAD binds
// the blob to this purpose); the public half goes to agents at enrollment and with every
// policy document.

const KEY_ID = 'grant-signing';
const AAD = 'outpost:guard:grant-signing-key:v1';

export interface GuardSigner {
  publicPem: string;
  /** SHA-256 of the public key's SPKI DER, lowercase hex. */
  fingerprint: string;
  /** Signs a grant: Ed25519 over the canonical JSON (keys sorted, no spaces) of every other field. */
  signGrant(grant: Omit<WriteGrant, 'signature'>): WriteGrant;
}

/**
 * The exact bytes a grant signature covers. Must equal what the agent's verifier
 * (@outpost/guard grantSigningPayload) computes; a test holds the two together.
 */
export function grantSigningBytes(grant: Omit<WriteGrant, 'signature'>): Buffer {
  const { signature: _signature, ...rest } = grant as WriteGrant;
  return Buffer.from(canonicalJson(rest), 'utf8');
}

function signer(privateKey: KeyObject): GuardSigner {
  const pub = createPublicKey(privateKey);
  return {
    publicPem: pub.export({ type: 'spki', format: 'pem' }).toString(),
    fingerprint: createHash('sha256').update(pub.export({ type: 'spki', format: 'der' })).digest('hex'),
    signGrant: (grant) => ({ ...grant, signature: sign(null, grantSigningBytes(grant), privateKey).toString('base64') }),
  };
}

/** Loads the grant-signing key, creating it on first use. Returns `created` so the caller can audit it. */
export async function loadOrCreateGuardSigner(store: GuardStore, kek: Buffer, nowIso: string): Promise<{ signer: GuardSigner; created: boolean }> {
  let row = await store.key(KEY_ID);
  let created = false;
  if (!row) {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const der = privateKey.export({ type: 'pkcs8', format: 'der' });
    const enc = encryptWithKek(kek, der, AAD).toString('base64');
    await store.insertKey(KEY_ID, publicKey.export({ type: 'spki', format: 'pem' }).toString(), enc, nowIso);
    row = await store.key(KEY_ID);
    if (!row) throw new Error('guard signing key could not be stored');
    created = row.privateEnc === enc;
  }
  const der = decryptWithKek(kek, Buffer.from(row.privateEnc, 'base64'), AAD);
  return { signer: signer(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })), created };
}
