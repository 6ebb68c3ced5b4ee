import type { GuardKeyEndorsement } from './guard-messages.js';

// Rotation of the hub's grant-signing key. A device trusts one key (from enrollment, or the
// last rotation it followed). The hub never just offers a new key: each new key comes with an
// endorsement signed by the key before it, so a device follows the chain from the key it
// trusts and nothing else — a key nobody it trusts vouched for stays refused.

/** What the chain needs from a crypto library (node:crypto on both sides). */
export interface KeyChainCrypto {
  /** SHA-256 of the key's SPKI DER (lowercase hex), or null when the text is not an Ed25519 public key. */
  fingerprint(publicPem: string): string | null;
  verify(signerPublicPem: string, bytes: Uint8Array, signatureB64: string): boolean;
}

/** The exact bytes an endorsement's signature covers; no JSON, so both sides cannot differ. */
export function endorsementBytes(e: Omit<GuardKeyEndorsement, 'signature'>): Uint8Array {
  return new TextEncoder().encode(`outpost-guard-key-endorsement/v1\n${e.previous}\n${e.issuedAt}\n${e.key.trim()}\n`);
}

export type KeyChainResult =
  | { ok: true; steps: number; fingerprint: string }
  | { ok: false; reason: 'unreadable_key' | 'no_path' | 'bad_signature' };

/** Walks `chain` from the trusted key to `targetPem`; every step must be signed by the key before it. */
export function followKeyChain(
  trustedPem: string,
  targetPem: string,
  chain: readonly GuardKeyEndorsement[],
  c: KeyChainCrypto,
): KeyChainResult {
  const target = c.fingerprint(targetPem);
  let currentPem = trustedPem;
  let current = c.fingerprint(trustedPem);
  if (!target || !current) return { ok: false, reason: 'unreadable_key' };
  let lastIssued = -1;
  // Each step moves to a key endorsed by the current one; more steps than links means a loop.
  for (let steps = 0; steps <= chain.length; steps++) {
    if (current === target) return { ok: true, steps, fingerprint: target };
    const from = current;
    const next = chain.find((e) => e.previous === from && e.issuedAt > lastIssued);
    if (!next) return { ok: false, reason: 'no_path' };
    if (!c.verify(currentPem, endorsementBytes(next), next.signature)) return { ok: false, reason: 'bad_signature' };
    const fp = c.fingerprint(next.key);
    if (!fp) return { ok: false, reason: 'unreadable_key' };
    currentPem = next.key;
    current = fp;
    lastIssued = next.issuedAt;
  }
  return { ok: false, reason: 'no_path' };
}
