import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import {
  documentSigningBytes,
  endorsementBytes,
  grantSigningBytes,
  MAX_GUARD_KEY_CHAIN,
  type GuardKeyEndorsement,
  type GuardPolicyMessage,
  type WriteGrant,
} from '@outpost/protocol';
import { decryptWithKek, encryptWithKek } from '../../platform/kek-seal.js';
import type { GuardStore } from './guard.store.js';
import { GRANT_KEY_ID, type GuardKeysStore } from './guard-keys.store.js';

// The hub's Ed25519 key for OT guard write grants. Separate from the CA: it signs nothing
// but grants. The private half is stored encrypted with the KEK (AES-256-GCM, the AAD binds
// the blob to this purpose); the public half goes to agents at enrollment and with every
// policy document.

const KEY_ID = GRANT_KEY_ID;
const AAD = 'outpost:guard:grant-signing-key:v1';

export interface GuardSigner {
  publicPem: string;
  /** SHA-256 of the public key's SPKI DER, lowercase hex. */
  fingerprint: string;
  /** Signs a grant: Ed25519 over the canonical JSON (keys sorted, no spaces) of every other field. */
  signGrant(grant: Omit<WriteGrant, 'signature'>): WriteGrant;
  /** Signs a policy document as a whole (its policy, grants, key and chain). */
  signDocument(doc: GuardPolicyMessage): GuardPolicyMessage;
  /** Vouches for the key that replaces this one (a rotation step devices follow). */
  endorse(nextPublicPem: string, issuedAt: number): GuardKeyEndorsement;
  /** The endorsements, oldest first, that lead devices from earlier keys to this one. */
  keyChain: GuardKeyEndorsement[];
  /** Signs other hub documents for devices (a broker move): the caller's bytes carry their own purpose prefix. */
  signBytes(bytes: Uint8Array): string;
}

/** SHA-256 of a public key's SPKI DER, lowercase hex (what devices report and people compare). */
export function publicKeyFingerprint(key: string | KeyObject): string {
  const pub = typeof key !== 'string' && key.type === 'public' ? key : createPublicKey(key);
  return createHash('sha256')
    .update(pub.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

function signer(privateKey: KeyObject, keyChain: GuardKeyEndorsement[]): GuardSigner {
  const pub = createPublicKey(privateKey);
  const fingerprint = publicKeyFingerprint(pub);
  return {
    publicPem: pub.export({ type: 'spki', format: 'pem' }).toString(),
    fingerprint,
    signGrant: (grant) => ({
      ...grant,
      signature: sign(null, grantSigningBytes(grant), privateKey).toString('base64'),
    }),
    signDocument: (doc) => ({
      ...doc,
      signature: sign(null, documentSigningBytes(doc), privateKey).toString('base64'),
    }),
    endorse(key, issuedAt) {
      const body = { key, previous: fingerprint, issuedAt };
      return { ...body, signature: sign(null, endorsementBytes(body), privateKey).toString('base64') };
    },
    keyChain,
    signBytes: (bytes) => sign(null, bytes, privateKey).toString('base64'),
  };
}

const chainOf = async (keys: GuardKeysStore): Promise<GuardKeyEndorsement[]> =>
  (await keys.endorsements(MAX_GUARD_KEY_CHAIN)).map(({ key, previous, issuedAt, signature }) => ({
    key,
    previous,
    issuedAt,
    signature,
  }));

/**
 * Replaces the grant-signing key: a new Ed25519 pair, endorsed by the key in force, which is
 * then forgotten (its private half is overwritten, so a leaked copy signs nothing devices
 * still accept once they have followed the rotation). Returns null when another rotation won.
 */
export async function rotateGuardSigner(
  keys: GuardKeysStore,
  kek: Buffer,
  current: GuardSigner,
  nowMs: number,
  by: { actor: string; reason: string },
): Promise<GuardSigner | null> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const enc = encryptWithKek(kek, privateKey.export({ type: 'pkcs8', format: 'der' }), AAD).toString('base64');
  const endorsement = current.endorse(publicPem, nowMs);
  const ok = await keys.rotate({
    oldPublicPem: current.publicPem,
    newPublicPem: publicPem,
    newPrivateEnc: enc,
    endorsement,
    rotatedBy: by.actor,
    reason: by.reason,
  });
  if (!ok) return null;
  return signer(privateKey, await chainOf(keys));
}

/** Loads the grant-signing key, creating it on first use. Returns `created` so the caller can audit it. */
export async function loadOrCreateGuardSigner(
  store: GuardStore,
  keys: GuardKeysStore,
  kek: Buffer,
  nowIso: string,
): Promise<{ signer: GuardSigner; created: boolean }> {
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
  return { signer: signer(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }), await chainOf(keys)), created };
}
