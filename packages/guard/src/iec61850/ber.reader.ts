// A bounded reader for BER (ITU-T X.690) tag-length-value triples, definite lengths only
// (GOOSE and MMS never use the indefinite form). Never throws, never recurses: callers walk
// the tree one level at a time and bound their own depth.

export interface Tlv {
  /** Tag class: 0 universal, 1 application, 2 context-specific, 3 private. */
  cls: number;
  constructed: boolean;
  tag: number;
  /** Offset of the value and the end of the value, in the buffer given. */
  at: number;
  end: number;
}

export type TlvResult = { ok: true; tlv: Tlv } | { ok: false; reason: string };

/** Largest tag number accepted (high-tag-number form, X.690 §8.1.2.4): three octets. */
const MAX_TAG = 0x1fffff;

function tagOf(b: Uint8Array, off: number, end: number): { tag: number; next: number } | string {
  const first = b[off];
  let tag = first & 0x1f;
  let at = off + 1;
  if (tag !== 0x1f) return { tag, next: at };
  tag = 0;
  for (let i = 0; i < 3; i++) {
    if (at >= end) return 'ber_truncated_tag';
    const o = b[at++];
    tag = tag * 128 + (o & 0x7f);
    if ((o & 0x80) === 0) return tag > MAX_TAG ? 'ber_tag_too_large' : { tag, next: at };
  }
  return 'ber_tag_too_large';
}

/** Reads the TLV that starts at `off` and must end by `end`. */
export function readTlv(b: Uint8Array, off: number, end: number): TlvResult {
  if (off >= end) return { ok: false, reason: 'ber_truncated' };
  const t = tagOf(b, off, end);
  if (typeof t === 'string') return { ok: false, reason: t };
  let at = t.next;
  if (at >= end) return { ok: false, reason: 'ber_truncated_length' };
  const l0 = b[at++];
  let len = l0;
  if (l0 === 0x80) return { ok: false, reason: 'ber_indefinite_length' };
  if (l0 > 0x80) {
    const n = l0 & 0x7f;
    // Four length octets cover any frame; more is garbage.
    if (n > 4) return { ok: false, reason: 'ber_length_too_long' };
    if (at + n > end) return { ok: false, reason: 'ber_truncated_length' };
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[at++];
  }
  if (at + len > end) return { ok: false, reason: 'ber_value_overruns' };
  const first = b[off];
  return { ok: true, tlv: { cls: first >> 6, constructed: (first & 0x20) !== 0, tag: t.tag, at, end: at + len } };
}

export type ChildrenResult = { ok: true; items: Tlv[] } | { ok: false; reason: string };

/** The TLVs inside a constructed value, at most `max` of them (more is an error). */
export function childrenOf(b: Uint8Array, parent: Pick<Tlv, 'at' | 'end'>, max = 256): ChildrenResult {
  const items: Tlv[] = [];
  let off = parent.at;
  while (off < parent.end) {
    if (items.length >= max) return { ok: false, reason: 'ber_too_many_elements' };
    const r = readTlv(b, off, parent.end);
    if (!r.ok) return r;
    items.push(r.tlv);
    off = r.tlv.end;
  }
  return { ok: true, items };
}

/** Context-specific tag test: `[n]`. */
export function isContext(t: Tlv, tag: number): boolean {
  return t.cls === 2 && t.tag === tag;
}

/** An INTEGER value as a number; undefined when empty or wider than 6 octets (beyond 2^48). */
export function berInteger(b: Uint8Array, t: Tlv): number | undefined {
  const n = t.end - t.at;
  if (n < 1 || n > 6) return undefined;
  let v = b[t.at] & 0x80 ? -1 : 0;
  for (let i = t.at; i < t.end; i++) v = v * 256 + b[i];
  return v;
}

/** An unsigned value (INTEGER read without sign, as IEC 61850 counters are), up to 6 octets. */
export function berUnsigned(b: Uint8Array, t: Tlv): number | undefined {
  const n = t.end - t.at;
  if (n < 1 || n > 6) return undefined;
  let v = 0;
  for (let i = t.at; i < t.end; i++) v = v * 256 + b[i];
  return v;
}

export function berBoolean(b: Uint8Array, t: Tlv): boolean | undefined {
  return t.end - t.at === 1 ? b[t.at] !== 0 : undefined;
}

/** Longest string kept; object references in IEC 61850 are at most 129 characters. */
export const MAX_TEXT = 256;

/** VisibleString / Identifier as text, printable ASCII kept and the rest escaped; cut at MAX_TEXT. */
export function berText(b: Uint8Array, t: Tlv): string {
  let s = '';
  const end = Math.min(t.end, t.at + MAX_TEXT);
  for (let i = t.at; i < end; i++) {
    const c = b[i];
    s += c >= 0x20 && c < 0x7f && c !== 0x5c ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return s;
}
