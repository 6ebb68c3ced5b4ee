import { intOctets, text, tlv, type Bytes } from './iec61850.fixture.js';

// MMS PDUs and the ISO stack under them (RFC 1006 TPKT, COTP class 0, ISO 8327 session,
// ISO 8823 presentation, ACSE), built the way IEC 61850 clients and servers send them.

const id = (s: string) => tlv(0x1a, text(s));

/** ObjectName: "domain/item" → domain-specific, otherwise vmd-specific. */
export function objectName(name: string): Bytes {
  const slash = name.indexOf('/');
  return slash < 0 ? tlv(0x80, text(name)) : tlv(0xa1, id(name.slice(0, slash)), id(name.slice(slash + 1)));
}

const listOfVariable = (names: string[]) => tlv(0xa0, ...names.map((n) => tlv(0x30, tlv(0xa0, objectName(n)))));
const confirmedRequest = (invokeId: number, service: Bytes) => tlv(0xa0, tlv(0x02, intOctets(invokeId)), service);
const confirmedResponse = (invokeId: number, service: Bytes) => tlv(0xa1, tlv(0x02, intOctets(invokeId)), service);

export const mms = {
  readRequest: (invokeId: number, names: string[]) =>
    confirmedRequest(invokeId, tlv(0xa4, tlv(0xa1, listOfVariable(names)))),
  readResponse: (invokeId: number, results: Bytes[]) => confirmedResponse(invokeId, tlv(0xa4, tlv(0xa1, ...results))),
  writeRequest: (invokeId: number, names: string[], values: Bytes[]) =>
    confirmedRequest(invokeId, tlv(0xa5, listOfVariable(names), tlv(0xa0, ...values))),
  writeResponse: (invokeId: number, ok: boolean[]) =>
    confirmedResponse(invokeId, tlv(0xa5, ...ok.map((x) => (x ? tlv(0x81) : tlv(0x80, [3]))))),
  getNameListRequest: (invokeId: number, objectClass: number, domain?: string, continueAfter?: string) =>
    confirmedRequest(
      invokeId,
      tlv(
        0xa1,
        tlv(0xa0, tlv(0x80, [objectClass])),
        tlv(0xa1, domain === undefined ? tlv(0x80) : tlv(0x81, text(domain))),
        continueAfter === undefined ? [] : tlv(0x82, text(continueAfter)),
      ),
    ),
  getNameListResponse: (invokeId: number, names: string[], moreFollows: boolean) =>
    confirmedResponse(invokeId, tlv(0xa1, tlv(0xa0, ...names.map(id)), tlv(0x81, [moreFollows ? 0xff : 0]))),
  attributesRequest: (invokeId: number, name: string) =>
    confirmedRequest(invokeId, tlv(0xa6, tlv(0xa0, objectName(name)))),
  // A structure of two components (stVal boolean, q bit-string) as a data attribute type.
  attributesResponse: (invokeId: number) =>
    confirmedResponse(
      invokeId,
      tlv(
        0xa6,
        tlv(0x80, [0]),
        tlv(
          0xa2,
          tlv(
            0xa2,
            tlv(
              0xa1,
              tlv(0x30, tlv(0x80, text('stVal')), tlv(0xa1, tlv(0x83))),
              tlv(0x30, tlv(0x80, text('q')), tlv(0xa1, tlv(0x84, [0xf3]))),
            ),
          ),
        ),
      ),
    ),
  informationReport: (listName: string, results: Bytes[]) =>
    tlv(0xa3, tlv(0xa0, tlv(0xa1, objectName(listName)), tlv(0xa0, ...results))),
  initiateRequest: () =>
    tlv(
      0xa8,
      tlv(0x80, intOctets(65000)),
      tlv(0x81, [5]),
      tlv(0x82, [5]),
      tlv(0x83, [10]),
      tlv(
        0xa4,
        tlv(0x80, [1]),
        tlv(0x81, [5, 0xf1, 0x00]),
        tlv(0x82, [3, 0xee, 0x1c, 0, 0, 4, 8, 0, 0, 0x79, 0xef, 0x18]),
      ),
    ),
  initiateResponse: () =>
    tlv(
      0xa9,
      tlv(0x80, intOctets(65000)),
      tlv(0x81, [5]),
      tlv(0x82, [5]),
      tlv(0x83, [10]),
      tlv(
        0xa4,
        tlv(0x80, [1]),
        tlv(0x81, [5, 0xf1, 0x00]),
        tlv(0x82, [3, 0xee, 0x1c, 0, 0, 4, 8, 0, 0, 0x79, 0xef, 0x18]),
      ),
    ),
};

const OID_ACSE = [0x06, 0x04, 0x52, 0x01, 0x00, 0x01]; // 2.2.1.0.1
const OID_BER = [0x06, 0x02, 0x51, 0x01]; // 2.1.1
const OID_MMS = [0x06, 0x05, 0x28, 0xca, 0x22, 0x02, 0x01]; // 1.0.9506.2.1
const OID_MMS_CONTEXT = [0x06, 0x05, 0x28, 0xca, 0x22, 0x02, 0x03]; // 1.0.9506.2.3

const tpkt = (cotp: Bytes): Bytes => [3, 0, (cotp.length + 4) >> 8, (cotp.length + 4) & 0xff, ...cotp];

/** COTP DT TPDUs (class 0) in TPKTs, the TSDU cut into pieces of `maxPiece` octets. */
export function cotpData(tsdu: Bytes, maxPiece = 65000): Bytes {
  const out: Bytes = [];
  for (let at = 0; at < tsdu.length; at += maxPiece) {
    const last = at + maxPiece >= tsdu.length;
    out.push(...tpkt([2, 0xf0, last ? 0x80 : 0x00, ...tsdu.slice(at, at + maxPiece)]));
  }
  return out;
}

export function cotpConnect(confirm: boolean): Bytes {
  const params = [0xc1, 2, 0, 1, 0xc2, 2, 0, 1, 0xc0, 1, 0x0a];
  return tpkt([6 + params.length, confirm ? 0xd0 : 0xe0, 0, confirm ? 1 : 0, 0, confirm ? 1 : 0, 0, ...params]);
}

/** Session Give Tokens + Data Transfer with presentation fully-encoded data (context 3 = MMS). */
export function sessionData(mmsPdu: Bytes): Bytes {
  return [0x01, 0x00, 0x01, 0x00, ...tlv(0x61, tlv(0x30, tlv(0x02, [3]), tlv(0xa0, mmsPdu)))];
}

const acseUserInfo = (mmsPdu: Bytes) => tlv(0xbe, tlv(0x28, OID_BER, tlv(0x02, [3]), tlv(0xa0, mmsPdu)));

/** Session CONNECT carrying presentation CP-type, ACSE AARQ and the MMS initiate request. */
export function sessionConnect(mmsPdu: Bytes): Bytes {
  const aarq = tlv(0x60, tlv(0xa1, OID_MMS_CONTEXT), acseUserInfo(mmsPdu));
  const cp = tlv(
    0x31,
    tlv(0xa0, tlv(0x80, [1])),
    tlv(
      0xa2,
      tlv(0x81, [0, 0, 0, 1]),
      tlv(0x82, [0, 0, 0, 1]),
      tlv(
        0xa4,
        tlv(0x30, tlv(0x02, [1]), OID_ACSE, tlv(0x30, OID_BER)),
        tlv(0x30, tlv(0x02, [3]), OID_MMS, tlv(0x30, OID_BER)),
      ),
      tlv(0x61, tlv(0x30, tlv(0x02, [1]), tlv(0xa0, aarq))),
    ),
  );
  const params = [
    0x05,
    6,
    0x13,
    1,
    0,
    0x16,
    1,
    2,
    0x14,
    2,
    0,
    2,
    0x33,
    2,
    0,
    1,
    0x34,
    2,
    0,
    1,
    0xc1,
    ...spduLen(cp.length),
    ...cp,
  ];
  return [0x0d, ...spduLen(params.length), ...params];
}

/** Session ACCEPT carrying presentation CPA, ACSE AARE and the MMS initiate response. */
export function sessionAccept(mmsPdu: Bytes): Bytes {
  const aare = tlv(
    0x61,
    tlv(0xa1, OID_MMS_CONTEXT),
    tlv(0xa2, tlv(0x02, [0])),
    tlv(0xa3, tlv(0xa1, tlv(0x02, [0]))),
    acseUserInfo(mmsPdu),
  );
  const cpa = tlv(
    0x31,
    tlv(0xa0, tlv(0x80, [1])),
    tlv(
      0xa2,
      tlv(0x83, [0, 0, 0, 1]),
      tlv(
        0xa5,
        tlv(0x30, tlv(0x80, [0]), tlv(0x81, OID_BER.slice(2))),
        tlv(0x30, tlv(0x80, [0]), tlv(0x81, OID_BER.slice(2))),
      ),
      tlv(0x61, tlv(0x30, tlv(0x02, [1]), tlv(0xa0, aare))),
    ),
  );
  const params = [0x05, 6, 0x13, 1, 0, 0x16, 1, 2, 0x14, 2, 0, 2, 0xc1, ...spduLen(cpa.length), ...cpa];
  return [0x0e, ...spduLen(params.length), ...params];
}

function spduLen(n: number): Bytes {
  return n < 0xff ? [n] : [0xff, n >> 8, n & 0xff];
}
