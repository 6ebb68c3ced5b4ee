import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { endorsementBytes, followKeyChain, type KeyChainCrypto } from './guard-key-chain.js';
import type { GuardKeyEndorsement } from './guard-messages.js';

const crypto: KeyChainCrypto = {
  fingerprint: (pem) => {
    try {
      const k = createPublicKey(pem);
      return k.asymmetricKeyType === 'ed25519'
        ? createHash('sha256')
            .update(k.export({ type: 'spki', format: 'der' }))
            .digest('hex')
        : null;
    } catch {
      return null;
    }
  },
  verify: (pem, bytes, sig) => verify(null, bytes, createPublicKey(pem), Buffer.from(sig, 'base64')),
};
const pair = () => generateKeyPairSync('ed25519');
const pem = (k: KeyObject) => k.export({ type: 'spki', format: 'pem' }).toString();
const endorse = (
  signer: ReturnType<typeof pair>,
  next: KeyObject,
  issuedAt: number,
  signedBy = signer.privateKey,
): GuardKeyEndorsement => {
  const body = { key: pem(next), previous: crypto.fingerprint(pem(signer.publicKey))!, issuedAt };
  return { ...body, signature: sign(null, endorsementBytes(body), signedBy).toString('base64') };
};

describe('grant-signing key chain', () => {
  const [a, b, c, d] = [pair(), pair(), pair(), pair()];
  const chain = [endorse(a, b.publicKey, 10), endorse(b, c.publicKey, 20), endorse(c, d.publicKey, 30)];

  it('follows every step from the trusted key to the offered one, in any order', () => {
    assert.deepEqual(followKeyChain(pem(a.publicKey), pem(d.publicKey), chain, crypto), {
      ok: true,
      steps: 3,
      fingerprint: crypto.fingerprint(pem(d.publicKey)),
    });
    assert.equal(followKeyChain(pem(a.publicKey), pem(d.publicKey), [...chain].reverse(), crypto).ok, true);
    // A device that already followed part of it walks the rest.
    assert.deepEqual(followKeyChain(pem(c.publicKey), pem(d.publicKey), chain, crypto), {
      ok: true,
      steps: 1,
      fingerprint: crypto.fingerprint(pem(d.publicKey)),
    });
    assert.deepEqual(followKeyChain(pem(d.publicKey), pem(d.publicKey), [], crypto), {
      ok: true,
      steps: 0,
      fingerprint: crypto.fingerprint(pem(d.publicKey)),
    });
  });

  it('refuses a step signed by another key, a gap, a loop, and keys that are not Ed25519', () => {
    const forged = [endorse(a, b.publicKey, 10), endorse(b, c.publicKey, 20, d.privateKey)];
    assert.deepEqual(followKeyChain(pem(a.publicKey), pem(c.publicKey), forged, crypto), {
      ok: false,
      reason: 'bad_signature',
    });
    assert.deepEqual(followKeyChain(pem(a.publicKey), pem(d.publicKey), [chain[0], chain[2]], crypto), {
      ok: false,
      reason: 'no_path',
    });
    const loop = [endorse(a, b.publicKey, 1), endorse(b, a.publicKey, 2)];
    assert.deepEqual(followKeyChain(pem(a.publicKey), pem(d.publicKey), loop, crypto), {
      ok: false,
      reason: 'no_path',
    });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    assert.deepEqual(followKeyChain(pem(a.publicKey), pem(rsa), chain, crypto), {
      ok: false,
      reason: 'unreadable_key',
    });
    assert.deepEqual(followKeyChain(pem(a.publicKey), 'not a key', chain, crypto), {
      ok: false,
      reason: 'unreadable_key',
    });
  });

  it('signs exact bytes: changing the key, the predecessor or the time breaks the signature', () => {
    const e = chain[0];
    for (const bad of [
      { ...e, issuedAt: 11 },
      { ...e, key: pem(c.publicKey) },
    ]) {
      assert.equal(crypto.verify(pem(a.publicKey), endorsementBytes(bad), bad.signature), false);
    }
    assert.equal(crypto.verify(pem(a.publicKey), endorsementBytes(e), e.signature), true);
  });
});
