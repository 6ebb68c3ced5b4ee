import type { RegisterTable } from '../shared/guard.types.js';
import type { Dnp3ObjectHeader, Dnp3PointValue } from './dnp3.types.js';
import { tableOfGroup } from './dnp3-objects.catalog.js';

// Values carried by object data, IEEE 1815-2012 Annex A: the commands of SELECT / OPERATE /
// DIRECT_OPERATE (CROB g12v1, analog output blocks g41v1-v4) and the values a response reports
// (analog inputs g30, analog output status g40, binary inputs g1 and binary output status g10).
// All numbers are little-endian (§4.2.2.7.1 note).

// Values a fragment can name at most are bounded by its size (2048 octets at most, §4.2.2); the
// cap only guards against a bits-packed range of 0xffffffff points.
const MAX_POINTS = 4096;

const OP_NAMES = ['nul', 'pulse_on', 'pulse_off', 'latch_on', 'latch_off'];
// The names protocol's GUARD_CROB_CODES lists; set queue and clear bits give names no policy lists.
const TCC_NAMES = ['', 'close_', 'trip_'];

function crobName(code: number): string {
  const op = OP_NAMES[code & 0x0f] ?? `op${code & 0x0f}`;
  const tcc = TCC_NAMES[code >> 6] ?? 'tcc3_';
  return `${tcc}${op}${code & 0x10 ? '+queue' : ''}${code & 0x20 ? '+clear' : ''}`;
}

// The state a CROB drives its point to: close or on (1), trip or off (0), none for NUL or an
// undefined operation (Annex A g12v1; with a trip-close code the op type only says pulse or latch).
function crobValue(code: number): number | undefined {
  const tcc = code >> 6;
  if (tcc === 1) return 1;
  if (tcc === 2) return 0;
  if (tcc !== 0) return undefined;
  const op = code & 0x0f;
  if (op === 1 || op === 3) return 1;
  if (op === 2 || op === 4) return 0;
  return undefined;
}

const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

type Reader = (d: DataView, at: number) => Omit<Dnp3PointValue, 'group' | 'variation' | 'table' | 'index'>;

const crob: Reader = (d, at) => {
  const code = d.getUint8(at);
  const value = crobValue(code);
  return {
    ...(value !== undefined ? { value } : {}),
    crob: {
      code,
      name: crobName(code),
      count: d.getUint8(at + 1),
      onMs: d.getUint32(at + 2, true),
      offMs: d.getUint32(at + 6, true),
    },
  };
};
const i32 =
  (skip: number): Reader =>
  (d, at) => ({ value: d.getInt32(at + skip, true) });
const i16 =
  (skip: number): Reader =>
  (d, at) => ({ value: d.getInt16(at + skip, true) });
const f32 =
  (skip: number): Reader =>
  (d, at) => ({ value: d.getFloat32(at + skip, true) });
const f64 =
  (skip: number): Reader =>
  (d, at) => ({ value: d.getFloat64(at + skip, true) });
const stateFlag: Reader = (d, at) => ({ value: (d.getUint8(at) >> 7) & 1 });

// Per group, by variation: object size and reader. Commands put the value first (status last);
// static objects put the flag octet first, except g30v3 and g30v4 (no flag).
const READERS: Record<number, readonly ([number, Reader] | undefined)[]> = {
  1: [undefined, undefined, [1, stateFlag]],
  10: [undefined, undefined, [1, stateFlag]],
  12: [undefined, [11, crob]],
  30: [undefined, [5, i32(1)], [3, i16(1)], [4, i32(0)], [2, i16(0)], [5, f32(1)], [9, f64(1)]],
  40: [undefined, [5, i32(1)], [3, i16(1)], [5, f32(1)], [9, f64(1)]],
  41: [undefined, [5, i32(0)], [3, i16(0)], [5, f32(0)], [9, f64(0)]],
};

const PREFIX_WIDTH = [0, 1, 2, 4];

function readIndex(b: Uint8Array, at: number, width: number): number {
  let v = 0;
  for (let i = width - 1; i >= 0; i--) v = v * 256 + b[at + i];
  return v;
}

// Packed single bits (g1v1, g10v1) over a start-stop range: bit i is point start + i.
function packedBits(frag: Uint8Array, h: Dnp3ObjectHeader, table: RegisterTable, out: Dnp3PointValue[]): void {
  const at = h.dataOffset ?? 0;
  const n = Math.min(h.count, MAX_POINTS - out.length);
  for (let i = 0; i < n; i++) {
    const value = (frag[at + (i >> 3)] >> (i & 7)) & 1;
    out.push({ group: h.group, variation: h.variation, table, index: (h.start ?? 0) + i, value });
  }
}

function decodeHeader(frag: Uint8Array, d: DataView, h: Dnp3ObjectHeader, out: Dnp3PointValue[]): void {
  const table = tableOfGroup(h.group);
  if (!table || h.dataOffset === undefined || h.dataLength === undefined) return;
  const prefix = (h.qualifier >> 4) & 0x07;
  if (h.variation === 1 && (h.group === 1 || h.group === 10)) {
    if (prefix === 0 && h.start !== undefined) packedBits(frag, h, table, out);
    return;
  }
  const entry = READERS[h.group]?.[h.variation];
  if (!entry || prefix > 3) return;
  const [size, read] = entry;
  const width = PREFIX_WIDTH[prefix];
  // The walker checked that count objects of this size (with their prefixes) fit the data.
  if (h.dataLength !== h.count * (width + size)) return;
  for (let i = 0, p = h.dataOffset; i < h.count && out.length < MAX_POINTS; i++, p += width + size) {
    // §4.2.2.7.3: without an index prefix, a range names start..stop and a count names 0..count-1.
    const index = width ? readIndex(frag, p, width) : (h.start ?? 0) + i;
    out.push({ group: h.group, variation: h.variation, table, index, ...read(d, p + width) });
  }
}

/** The point values of a walked fragment's objects (headers whose data was walked). Never throws. */
export function decodePointValues(frag: Uint8Array, objects: readonly Dnp3ObjectHeader[]): Dnp3PointValue[] {
  const out: Dnp3PointValue[] = [];
  if (!objects.some((h) => READERS[h.group] !== undefined && h.dataOffset !== undefined)) return out;
  const d = view(frag);
  for (const h of objects) decodeHeader(frag, d, h, out);
  return out;
}
