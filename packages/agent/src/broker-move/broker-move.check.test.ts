import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { brokerMoveSigningBytes, endorsementBytes, SCHEMA_VERSION } from '@outpost/protocol';
import { checkBrokerMove } from './broker-move.check.js';
import { keyFingerprint } from '../ot-guard/guard-key.util.js';
import { createTestCa } from '../renewal/renewal.fixture.js';

const { caPem: CA_PEM } = await createTestCa();

function keys() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}
const hub = keys();
const now = 1_800_000_000_000;

function signed(over: Record<string, unknown> = {}, key = hub) {
  const body = {
    v: SCHEMA_VERSION,
    deviceId: 'pump-1',
    moveId: 'move-0001',
    seq: 3,
    url: 'mqtts://broker-2.example:8883',
    caPem: CA_PEM,
    issuedAt: now,
    deadline: now + 60_000,
    signingKey: key.publicPem,
    ...over,
  };
  return { ...body, signature: sign(null, brokerMoveSigningBytes(body), key.privateKey).toString('base64') };
}
const check = (m: unknown, lastSeq = 2, trusted: { pem?: string } = { pem: hub.publicPem }) =>
  checkBrokerMove(Buffer.from(JSON.stringify(m)), { deviceId: 'pump-1', trustedKeyPem: trusted.pem, lastSeq, now });
const reason = (r: ReturnType<typeof check>) => (r.ok ? 'ok' : r.reason);

describe('a broker move instruction, as the agent checks it', () => {
  it('refuses what it cannot act on, each with its reason', () => {
    assert.equal(reason(check(signed())), 'ok');
    assert.equal(reason(check(signed({ caPem: 'not a certificate' }))), 'move_malformed');
    assert.equal(reason(check({ v: 1 })), 'move_malformed');
    assert.equal(reason(check(signed({ deviceId: 'pump-2' }))), 'move_wrong_device');
    assert.equal(reason(check(signed(), 2, {})), 'move_no_trusted_key');
    assert.equal(reason(check(signed({}, keys()))), 'move_key_untrusted');
    assert.equal(reason(check({ ...signed(), url: 'mqtts://evil.example:8883' })), 'move_signature_invalid');
    assert.equal(reason(check(signed({ deadline: now - 1 }))), 'move_expired');
    assert.equal(reason(check(signed({ deadline: now + 3_600_000 }))), 'move_deadline_too_far');
    assert.equal(reason(check(signed(), 3)), 'move_replayed');
  });

  it('follows a rotation of the signing key through its endorsement', () => {
    const next = keys();
    const body = {
      key: next.publicPem,
      previous: keyFingerprint(createPublicKey(hub.privateKey)),
      issuedAt: now - 1000,
    };
    const endorsement = { ...body, signature: sign(null, endorsementBytes(body), hub.privateKey).toString('base64') };
    assert.equal(reason(check(signed({ keyChain: [endorsement] }, next))), 'ok');
    assert.equal(reason(check(signed({}, next))), 'move_key_untrusted');
  });
});
