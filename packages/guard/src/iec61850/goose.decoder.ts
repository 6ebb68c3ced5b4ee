import { u16be } from '../shared/bytes.util.js';
import { berBoolean, berInteger, berText, berUnsigned, childrenOf, readTlv, type Tlv } from './ber.reader.js';
import { decodeDataList, utcTimeOf, type DataBudget, type MmsValue } from './mms-data.decoder.js';

// GOOSE (IEC 61850-8-1 §C.2 and Annex A): Ethertype 0x88B8, a header of APPID, length and two
// reserved words, then goosePdu = [APPLICATION 1] IMPLICIT SEQUENCE.

export const GOOSE_ETHERTYPE = 0x88b8;

export interface GooseMessage {
  appId: number;
  /** The length field: header and PDU, in octets. */
  length: number;
  /** Reserved 1 bit 15: the simulation (test) bit of edition 2. */
  simulatedBit: boolean;
  gocbRef: string;
  timeAllowedToLive: number;
  datSet: string;
  goId?: string;
  /** Event time of the last state change (UtcTime), ISO text with nanoseconds. */
  t?: string;
  stNum: number;
  sqNum: number;
  simulation: boolean;
  confRev: number;
  ndsCom: boolean;
  numDatSetEntries: number;
  allData: MmsValue[];
  /** Set when allData held more values than are decoded (see MAX_DATA_VALUES). */
  dataTruncated?: boolean;
}

export type GooseResult = { ok: true; goose: GooseMessage } | { ok: false; reason: string };

// Tags of the goosePdu fields ([n] IMPLICIT): which are required.
const REQUIRED = [0, 1, 2, 4, 5, 6, 8, 10, 11];

interface Fields {
  [tag: number]: Tlv | undefined;
}

function fieldsOf(b: Uint8Array, pdu: Tlv): Fields | string {
  const kids = childrenOf(b, pdu, 16);
  if (!kids.ok) return kids.reason;
  const f: Fields = {};
  for (const k of kids.items) {
    if (k.cls !== 2) return 'goose_unexpected_tag';
    if (f[k.tag]) return 'goose_duplicate_field';
    f[k.tag] = k;
  }
  for (const tag of REQUIRED) if (!f[tag]) return `goose_missing_field_${tag}`;
  return f;
}

const count = (b: Uint8Array, t: Tlv | undefined) => (t ? berUnsigned(b, t) : undefined);

/** Decodes the GOOSE APDU (from APPID on, after the Ethertype). Never throws. */
export function decodeGoose(b: Uint8Array): GooseResult {
  if (b.length < 8) return { ok: false, reason: 'goose_truncated_header' };
  const length = u16be(b, 2);
  if (length < 8) return { ok: false, reason: 'goose_bad_length' };
  // Ethernet padding follows short frames: the length field says where the APDU ends.
  const end = Math.min(length, b.length);
  const r = readTlv(b, 8, end);
  if (!r.ok) return r;
  if (r.tlv.cls !== 1 || r.tlv.tag !== 1 || !r.tlv.constructed) return { ok: false, reason: 'goose_not_goose_pdu' };
  const f = fieldsOf(b, r.tlv);
  if (typeof f === 'string') return { ok: false, reason: f };
  const nums = { tal: berInteger(b, f[1]!), st: count(b, f[5]), sq: count(b, f[6]), rev: count(b, f[8]) };
  const entries = count(b, f[10]);
  if (Object.values(nums).some((v) => v === undefined) || entries === undefined)
    return { ok: false, reason: 'goose_bad_integer' };
  const all = f[11]!;
  if (!all.constructed) return { ok: false, reason: 'goose_bad_all_data' };
  const kids = childrenOf(b, all, 4096);
  if (!kids.ok) return kids;
  const budget: DataBudget = { values: 0, truncated: false };
  const allData = decodeDataList(b, kids.items, budget);
  if (typeof allData === 'string') return { ok: false, reason: allData };
  const goose: GooseMessage = {
    appId: u16be(b, 0),
    length,
    simulatedBit: (b[4] & 0x80) !== 0,
    gocbRef: berText(b, f[0]!),
    timeAllowedToLive: nums.tal!,
    datSet: berText(b, f[2]!),
    stNum: nums.st!,
    sqNum: nums.sq!,
    simulation: f[7] ? berBoolean(b, f[7]) === true : false,
    confRev: nums.rev!,
    ndsCom: f[9] ? berBoolean(b, f[9]) === true : false,
    numDatSetEntries: entries,
    allData,
  };
  if (f[3]) goose.goId = berText(b, f[3]);
  const t = utcTimeOf(b, f[4]!);
  if (t) goose.t = t.value;
  if (budget.truncated) goose.dataTruncated = true;
  return { ok: true, goose };
}
