import { berBoolean, berInteger, berText, berUnsigned, childrenOf, type Tlv } from './ber.reader.js';

// MMS Data (ISO 9506-2 §14.4), the values GOOSE allData and MMS reads, writes and reports
// carry. Structures nest: the walk is bounded in depth and in values per PDU.

export type MmsValue =
  | { type: 'boolean'; value: boolean }
  | { type: 'integer' | 'unsigned'; value: number }
  | { type: 'float'; value: number }
  | { type: 'bit-string'; bits: string }
  | { type: 'octet-string' | 'visible-string' | 'mms-string'; value: string }
  | { type: 'utc-time'; value: string; quality: number }
  | { type: 'structure' | 'array'; items: MmsValue[] }
  | { type: 'other'; tag: number; hex: string };

/** Nesting IEC 61850 data sets use is 3–5 levels; deeper is refused. */
export const MAX_DATA_DEPTH = 10;
/** Values decoded per PDU; what follows is counted as truncated, not decoded. */
export const MAX_DATA_VALUES = 1024;

export interface DataBudget {
  values: number;
  truncated: boolean;
}

const hexOf = (b: Uint8Array, t: Tlv, max = 64) =>
  Array.from(b.subarray(t.at, Math.min(t.end, t.at + max)), (x) => x.toString(16).padStart(2, '0')).join('');

/** UtcTime (IEC 61850-8-1 §8.1.3.7): 4 octets seconds, 3 octets fraction of a second, 1 quality. */
export function utcTimeOf(b: Uint8Array, t: Tlv): { value: string; quality: number } | undefined {
  if (t.end - t.at !== 8) return undefined;
  const o = t.at;
  const sec = ((b[o] << 24) >>> 0) + (b[o + 1] << 16) + (b[o + 2] << 8) + b[o + 3];
  const frac = (b[o + 4] << 16) + (b[o + 5] << 8) + b[o + 6];
  const nanos = Math.floor((frac * 1e9) / 0x1000000);
  const iso = new Date(sec * 1000).toISOString().slice(0, 19);
  return { value: `${iso}.${String(nanos).padStart(9, '0')}Z`, quality: b[o + 7] };
}

// FloatingPoint: one octet exponent width, then an IEEE 754 single (8) or double (11).
function floatOf(b: Uint8Array, t: Tlv): number | undefined {
  const n = t.end - t.at;
  if (n !== 5 && n !== 9) return undefined;
  const dv = new DataView(b.buffer, b.byteOffset + t.at + 1, n - 1);
  return n === 5 ? dv.getFloat32(0) : dv.getFloat64(0);
}

function bitsOf(b: Uint8Array, t: Tlv): string {
  if (t.end - t.at < 1) return '';
  const unused = b[t.at] & 7;
  let s = '';
  for (let i = t.at + 1; i < t.end && s.length < 256; i++) s += b[i].toString(2).padStart(8, '0');
  return s.slice(0, Math.max(0, s.length - unused));
}

function primitive(b: Uint8Array, t: Tlv): MmsValue {
  switch (t.tag) {
    case 3: {
      const v = berBoolean(b, t);
      return v === undefined ? { type: 'other', tag: t.tag, hex: hexOf(b, t) } : { type: 'boolean', value: v };
    }
    case 4:
      return { type: 'bit-string', bits: bitsOf(b, t) };
    case 5:
    case 6: {
      const v = t.tag === 5 ? berInteger(b, t) : berUnsigned(b, t);
      if (v === undefined) return { type: 'other', tag: t.tag, hex: hexOf(b, t) };
      return { type: t.tag === 5 ? 'integer' : 'unsigned', value: v };
    }
    case 7: {
      const v = floatOf(b, t);
      return v === undefined ? { type: 'other', tag: t.tag, hex: hexOf(b, t) } : { type: 'float', value: v };
    }
    case 9:
      return { type: 'octet-string', value: hexOf(b, t) };
    case 10:
      return { type: 'visible-string', value: berText(b, t) };
    case 16:
      return { type: 'mms-string', value: berText(b, t) };
    case 17: {
      const u = utcTimeOf(b, t);
      return u ? { type: 'utc-time', ...u } : { type: 'other', tag: t.tag, hex: hexOf(b, t) };
    }
    default:
      return { type: 'other', tag: t.tag, hex: hexOf(b, t) };
  }
}

/**
 * Decodes one Data element. Returns a reason string when the element is not Data or is
 * nested deeper than MAX_DATA_DEPTH; values beyond the budget are skipped and flagged.
 */
export function decodeData(b: Uint8Array, t: Tlv, budget: DataBudget, depth = 0): MmsValue | string {
  if (t.cls !== 2) return 'mms_data_not_context_tagged';
  if (depth > MAX_DATA_DEPTH) return 'mms_data_too_deep';
  budget.values++;
  if (t.constructed && (t.tag === 1 || t.tag === 2)) {
    const kids = childrenOf(b, t, MAX_DATA_VALUES);
    if (!kids.ok) return kids.reason;
    const items: MmsValue[] = [];
    for (const k of kids.items) {
      if (budget.values >= MAX_DATA_VALUES) {
        budget.truncated = true;
        break;
      }
      const v = decodeData(b, k, budget, depth + 1);
      if (typeof v === 'string') return v;
      items.push(v);
    }
    return { type: t.tag === 1 ? 'array' : 'structure', items };
  }
  if (t.constructed) return 'mms_data_unexpected_constructed';
  return primitive(b, t);
}

/** A list of Data elements (allData, listOfData), each checked. */
export function decodeDataList(b: Uint8Array, items: Tlv[], budget: DataBudget): MmsValue[] | string {
  const out: MmsValue[] = [];
  for (const k of items) {
    if (budget.values >= MAX_DATA_VALUES) {
      budget.truncated = true;
      break;
    }
    const v = decodeData(b, k, budget);
    if (typeof v === 'string') return v;
    out.push(v);
  }
  return out;
}
