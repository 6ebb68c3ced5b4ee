import { u16be } from '../shared/bytes.util.js';
import { childrenOf, readTlv, type Tlv } from './ber.reader.js';

// From a COTP TSDU down to the MMS PDU: ISO 8327 session SPDUs, ISO 8823 presentation
// (fully-encoded user data; CP/CPA carry an ACSE AARQ/AARE, ISO 8650), the MMS PDU inside.
// Every level is walked explicitly: no recursion.

export type SessionKind = 'data' | 'connect' | 'accept' | 'finish' | 'disconnect' | 'abort' | 'refuse' | 'other';

export type UpperResult =
  | { ok: true; session: SessionKind; /** The MMS PDU, when the SPDU carried one. */ mms?: { b: Uint8Array; pdu: Tlv } }
  | { ok: false; session?: SessionKind; reason: string };

const SPDU: Record<number, SessionKind> = {
  0x01: 'data', // Give Tokens, followed by Data Transfer (ISO 8327 §8.3.16 basic concatenation)
  0x0d: 'connect',
  0x0e: 'accept',
  0x09: 'finish',
  0x0a: 'disconnect',
  0x19: 'abort',
  0x0c: 'refuse',
};

// SPDU length: one octet, or 0xFF and two octets (ISO 8327 §8.2.5).
function spduLength(b: Uint8Array, at: number): { len: number; next: number } | undefined {
  if (at >= b.length) return undefined;
  if (b[at] !== 0xff) return { len: b[at], next: at + 1 };
  if (at + 3 > b.length) return undefined;
  return { len: u16be(b, at + 1), next: at + 3 };
}

// User data of CONNECT/ACCEPT: parameter group 0xC1 (Session User Data) or 0xC2 (extended).
function connectUserData(b: Uint8Array, at: number, end: number): Uint8Array | undefined {
  for (let i = 0; at < end && i < 64; i++) {
    const code = b[at];
    const l = spduLength(b, at + 1);
    if (!l || l.next + l.len > end) return undefined;
    if (code === 0xc1 || code === 0xc2) return b.subarray(l.next, l.next + l.len);
    at = l.next + l.len;
  }
  return undefined;
}

function child(b: Uint8Array, t: Tlv, cls: number, tag: number): Tlv | undefined {
  const kids = childrenOf(b, t, 32);
  return kids.ok ? kids.items.find((k) => k.cls === cls && k.tag === tag) : undefined;
}

// PDV-list: SEQUENCE { transfer-syntax-name OID OPTIONAL, presentation-context-identifier INTEGER,
// presentation-data-values CHOICE { single-ASN1-type [0], octet-aligned [1], arbitrary [2] } }.
function pdvValue(b: Uint8Array, userData: Tlv): Tlv | undefined {
  const seq = child(b, userData, 0, 16);
  const single = seq && child(b, seq, 2, 0);
  if (!single) return undefined;
  const r = readTlv(b, single.at, single.end);
  return r.ok ? r.tlv : undefined;
}

// The MMS PDU inside an AARQ/AARE: user-information [30] → EXTERNAL (UNIVERSAL 8) →
// single-ASN1-type [0].
function acseMms(b: Uint8Array, acse: Tlv): Tlv | undefined {
  const info = child(b, acse, 2, 30);
  const ext = info && child(b, info, 0, 8);
  const single = ext && child(b, ext, 2, 0);
  if (!single) return undefined;
  const r = readTlv(b, single.at, single.end);
  return r.ok ? r.tlv : undefined;
}

function presentation(b: Uint8Array, session: SessionKind): UpperResult {
  const top = readTlv(b, 0, b.length);
  if (!top.ok) return { ok: false, session, reason: `pres_${top.reason}` };
  const t = top.tlv;
  if (session === 'data') {
    // User-data: fully-encoded-data [APPLICATION 1].
    if (t.cls !== 1 || t.tag !== 1) return { ok: false, session, reason: 'pres_not_fully_encoded' };
    const pdu = pdvValue(b, t);
    return pdu ? { ok: true, session, mms: { b, pdu } } : { ok: false, session, reason: 'pres_no_pdv' };
  }
  // CP-type / CPA-PPDU: a SET whose normal-mode-parameters [2] hold user-data.
  if (t.cls !== 0 || t.tag !== 17) return { ok: true, session };
  const normal = child(b, t, 2, 2);
  const userData = normal && child(b, normal, 1, 1);
  const acse = userData && pdvValue(b, userData);
  const pdu = acse && acseMms(b, acse);
  return pdu ? { ok: true, session, mms: { b, pdu } } : { ok: true, session };
}

/** Finds the MMS PDU in a COTP TSDU. Never throws. */
export function decodeUpperLayers(tsdu: Uint8Array): UpperResult {
  if (tsdu.length < 2) return { ok: false, reason: 'ses_truncated' };
  const session = SPDU[tsdu[0]] ?? 'other';
  const l = spduLength(tsdu, 1);
  if (!l || l.next + l.len > tsdu.length) return { ok: false, session, reason: 'ses_bad_length' };
  if (session === 'data') {
    // Give Tokens (empty) then Data Transfer: its parameters, then the user information.
    const dt = l.next + l.len;
    if (tsdu[dt] !== 0x01) return { ok: false, session, reason: 'ses_no_data_transfer' };
    const l2 = spduLength(tsdu, dt + 1);
    if (!l2 || l2.next + l2.len > tsdu.length) return { ok: false, session, reason: 'ses_bad_length' };
    return presentation(tsdu.subarray(l2.next + l2.len), session);
  }
  if (session === 'connect' || session === 'accept') {
    const user = connectUserData(tsdu, l.next, l.next + l.len);
    return user ? presentation(user, session) : { ok: true, session };
  }
  return { ok: true, session };
}
