// Checks a broker move instruction before the agent acts on it: the schema, that it names this
// device, that the hub's document-signing key (reached from the enrolled key through its signed
// rotations) signed all of it, that it is still in time and newer than every move seen before.
import { X509Certificate } from 'node:crypto';
import {
  BrokerMoveMessage,
  brokerMoveSigningBytes,
  compileValidator,
  followKeyChain,
  MAX_BROKER_MOVE_DEADLINE_S,
  type BrokerMoveRefusal,
} from '@outpost/protocol';
import { keyChainCrypto } from '../ot-guard/guard-key.util.js';
import { splitPemCertificates } from '../trust/trust-bundle.js';

const validate = compileValidator(BrokerMoveMessage);
// The hub's clock and the device's may differ a little; an instruction is no older than its deadline anyway.
const CLOCK_SKEW_MS = 5 * 60_000;

export type CheckedMove =
  { ok: true; move: BrokerMoveMessage } | { ok: false; reason: BrokerMoveRefusal; message: string };

export function checkBrokerMove(
  payload: Buffer,
  c: { deviceId: string; trustedKeyPem: string | undefined; lastSeq: number; now: number },
): CheckedMove {
  const refuse = (reason: BrokerMoveRefusal, message: string): CheckedMove => ({ ok: false, reason, message });
  const m = validate.parse(payload);
  if (!m.ok) return refuse('move_malformed', `${m.code}: ${m.message}`);
  const move = m.value;
  if (move.deviceId !== c.deviceId) return refuse('move_wrong_device', `the instruction is for ${move.deviceId}`);
  if (!c.trustedKeyPem)
    return refuse('move_no_trusted_key', 'this device holds no hub signing key (enrolled without one)');
  const walked = followKeyChain(c.trustedKeyPem, move.signingKey, move.keyChain ?? [], keyChainCrypto);
  if (!walked.ok)
    return refuse('move_key_untrusted', `the signing key is not one this device trusts (${walked.reason})`);
  if (!keyChainCrypto.verify(move.signingKey, brokerMoveSigningBytes(move), move.signature))
    return refuse('move_signature_invalid', 'the signature does not cover this instruction');
  if (move.deadline <= c.now) return refuse('move_expired', `the deadline passed ${c.now - move.deadline} ms ago`);
  if (
    move.deadline - Math.max(move.issuedAt, c.now - CLOCK_SKEW_MS) >
    MAX_BROKER_MOVE_DEADLINE_S * 1000 + CLOCK_SKEW_MS
  )
    return refuse('move_deadline_too_far', 'the deadline lies further ahead than a move may take');
  if (move.seq <= c.lastSeq) return refuse('move_replayed', `move ${move.seq} is not newer than ${c.lastSeq}`);
  const cas = splitPemCertificates(move.caPem);
  try {
    if (cas.length === 0 || cas.length > 4 || !cas.every((p) => new X509Certificate(p).ca)) throw new Error('not CAs');
  } catch {
    return refuse('move_malformed', 'caPem does not hold one to four CA certificates');
  }
  return { ok: true, move };
}
