// The MMS refusal the guard answers a blocked confirmed request with, in the stack the request
// came in: TPKT, COTP DT (end of TSDU), session Give Tokens + Data Transfer, presentation
// fully-encoded data in the request's presentation context, and the ConfirmedErrorPDU
// (ISO 9506-2 §7.3.4): originalInvokeID [0], serviceError [2] { errorClass [0] { access [7] } }.

/** ServiceError access codes (ISO 9506-2 §7.4.1). */
export const MMS_ACCESS_ERROR = {
  other: 0,
  objectUndefined: 1,
  objectAccessUnsupported: 2,
  objectNonExistent: 3,
  objectAccessDenied: 4,
  objectInvalidated: 5,
} as const;

function length(n: number): number[] {
  if (n < 0x80) return [n];
  if (n < 0x100) return [0x81, n];
  return [0x82, n >> 8, n & 0xff];
}

const tlv = (tag: number, ...content: number[][]): number[] => {
  const body = content.flat();
  return [tag, ...length(body.length), ...body];
};

function unsigned(v: number): number[] {
  const out: number[] = [];
  let x = Math.max(0, Math.floor(v));
  do {
    out.unshift(x & 0xff);
    x = Math.floor(x / 256);
  } while (x > 0);
  // A leading 1 bit would read as negative.
  if (out[0] & 0x80) out.unshift(0);
  return out;
}

/** The ConfirmedErrorPDU alone (the MMS PDU). */
export function mmsConfirmedError(invokeId: number, accessCode: number): Uint8Array {
  const serviceError = tlv(0xa2, tlv(0xa0, tlv(0x87, unsigned(accessCode))));
  return Uint8Array.from(tlv(0xa2, tlv(0x80, unsigned(invokeId)), serviceError));
}

/** The refusal as the octets to send the client: TPKT to MMS. */
export function mmsErrorFrame(invokeId: number, contextId: number, accessCode: number): Uint8Array {
  const pdu = Array.from(mmsConfirmedError(invokeId, accessCode));
  const presentation = tlv(0x61, tlv(0x30, tlv(0x02, unsigned(contextId)), tlv(0xa0, pdu)));
  const tsdu = [0x01, 0x00, 0x01, 0x00, ...presentation];
  const cotp = [0x02, 0xf0, 0x80, ...tsdu];
  const total = cotp.length + 4;
  return Uint8Array.from([3, 0, total >> 8, total & 0xff, ...cotp]);
}
