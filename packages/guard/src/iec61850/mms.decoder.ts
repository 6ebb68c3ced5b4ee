import { berInteger, childrenOf, type Tlv } from './ber.reader.js';
import { decodeConfirmedRequest, decodeConfirmedResponse, decodeUnconfirmed } from './mms-services.decoder.js';
import { MMS_PDU_KINDS, type MmsMessage, type MmsResult } from './mms.types.js';

// MMSpdu (ISO 9506-2 §7.1): a CHOICE of context tags 0–13. Confirmed request and response
// are SEQUENCE { invokeID Unsigned32, service CHOICE }; the service body is decoded for the
// services IEC 61850 uses, and named by its choice number otherwise.

function invoked(b: Uint8Array, t: Tlv): { id: number; service?: Tlv } | string {
  const kids = childrenOf(b, t, 8);
  if (!kids.ok) return kids.reason;
  const [id, ...more] = kids.items;
  if (!id || id.cls !== 0 || id.tag !== 2) return 'mms_missing_invoke_id';
  const v = berInteger(b, id);
  if (v === undefined) return 'mms_bad_invoke_id';
  // A request may carry listOfModifier [79] before the service: take the last element.
  return { id: v, service: more[more.length - 1] };
}

/** Decodes one MMS PDU (the TLV found by decodeUpperLayers). Never throws. */
export function decodeMms(b: Uint8Array, pdu: Tlv): MmsResult {
  if (pdu.cls !== 2 || pdu.tag >= MMS_PDU_KINDS.length) return { ok: false, reason: 'mms_unknown_pdu' };
  const m: MmsMessage = { pdu: MMS_PDU_KINDS[pdu.tag] };
  if (m.pdu === 'confirmed-request' || m.pdu === 'confirmed-response') {
    const inv = invoked(b, pdu);
    if (typeof inv === 'string') return { ok: false, reason: inv };
    m.invokeId = inv.id;
    if (!inv.service) return { ok: false, reason: 'mms_missing_service' };
    const problem =
      m.pdu === 'confirmed-request'
        ? decodeConfirmedRequest(b, inv.service, m)
        : decodeConfirmedResponse(b, inv.service, m);
    if (problem) m.malformed = problem;
  } else if (m.pdu === 'unconfirmed') {
    const kids = childrenOf(b, pdu, 4);
    if (!kids.ok || !kids.items[0]) return { ok: false, reason: kids.ok ? 'mms_missing_service' : kids.reason };
    const problem = decodeUnconfirmed(b, kids.items[0], m);
    if (problem) m.malformed = problem;
  } else if (m.pdu === 'confirmed-error' || m.pdu === 'cancel-request' || m.pdu === 'reject') {
    // ConfirmedErrorPDU and RejectPDU start with the invoke id as [0] (originalInvokeID);
    // Cancel-RequestPDU is the invoke id itself.
    const first = m.pdu === 'cancel-request' ? pdu : firstChild(b, pdu);
    const v = first && !first.constructed ? berInteger(b, first) : undefined;
    if (v !== undefined) m.invokeId = v;
  }
  return { ok: true, mms: m };
}

function firstChild(b: Uint8Array, t: Tlv): Tlv | undefined {
  if (!t.constructed) return undefined;
  const kids = childrenOf(b, t, 8);
  return kids.ok ? kids.items[0] : undefined;
}
