import type { Dnp3ObjectHeader } from './dnp3.types.js';
import { objectSize, type ObjectSize } from './dnp3-objects.catalog.js';

// Object headers, IEEE 1815-2012 §4.2.2.7: group, variation, qualifier, range field.
// Qualifier: bit 7 reserved (0), bits 6-4 object prefix code, bits 3-0 range specifier code.
const MAX_HEADERS = 128;

export interface WalkResult {
  objects: Dnp3ObjectHeader[];
  unparsedBytes: number;
  malformed?: string;
}

type Outcome = { next: number } | { unknown: true } | { error: string };

function readUint(b: Uint8Array, off: number, width: number): number {
  let v = 0;
  for (let i = width - 1; i >= 0; i--) v = v * 256 + (b[off + i] ?? 0);
  return v;
}

// §4.2.2.7.3 range specifier codes: 0-2 start/stop (1, 2, 4 octets), 3-5 virtual start/stop,
// 6 no range field (all objects), 7-9 count (1, 2, 4 octets), 0xB count for free-format objects.
function readRange(b: Uint8Array, h: Dnp3ObjectHeader, off: number): number | string {
  const code = h.qualifier & 0x0f;
  if (code <= 5) {
    const width = [1, 2, 4][code % 3];
    if (off + 2 * width > b.length) return 'object_header_truncated';
    h.start = readUint(b, off, width);
    h.stop = readUint(b, off + width, width);
    if (h.stop < h.start) return 'object_range';
    h.count = h.stop - h.start + 1;
    return off + 2 * width;
  }
  if (code === 6) return off;
  const width = code === 7 || code === 0x0b ? 1 : code === 8 ? 2 : code === 9 ? 4 : 0;
  if (width === 0) return 'object_qualifier';
  if (off + width > b.length) return 'object_header_truncated';
  h.count = readUint(b, off, width);
  return off + width;
}

// §4.2.2.7.2 prefix codes: 1-3 index (1, 2, 4 octets), 4-6 object size (1, 2, 4 octets).
const PREFIX_WIDTH = [0, 1, 2, 4, 1, 2, 4];

function walkIndexed(b: Uint8Array, h: Dnp3ObjectHeader, off: number, prefix: number, size: number): Outcome {
  const width = PREFIX_WIDTH[prefix];
  const total = h.count * (width + size);
  if (off + total > b.length) return { error: 'object_data_truncated' };
  if (prefix >= 1 && prefix <= 3 && h.count > 0) {
    let min = Infinity;
    let max = -1;
    for (let i = 0, p = off; i < h.count; i++, p += width + size) {
      const idx = readUint(b, p, width);
      min = Math.min(min, idx);
      max = Math.max(max, idx);
    }
    h.minIndex = min;
    h.maxIndex = max;
  }
  return { next: off + total };
}

function walkSizePrefixed(b: Uint8Array, h: Dnp3ObjectHeader, off: number, prefix: number): Outcome {
  const width = PREFIX_WIDTH[prefix];
  let p = off;
  for (let i = 0; i < h.count; i++) {
    if (p + width > b.length) return { error: 'object_data_truncated' };
    p += width + readUint(b, p, width);
    if (p > b.length) return { error: 'object_data_truncated' };
  }
  return { next: p };
}

function walkData(b: Uint8Array, h: Dnp3ObjectHeader, off: number, size: ObjectSize | undefined): Outcome {
  const prefix = (h.qualifier >> 4) & 0x07;
  if (prefix === 7) return { error: 'object_qualifier' };
  if (prefix >= 4) return walkSizePrefixed(b, h, off, prefix);
  if (size === 'free' || size === undefined) return { unknown: true };
  if (size === 'bits1' || size === 'bits2') {
    if (prefix !== 0) return { unknown: true };
    const total = Math.ceil((h.count * (size === 'bits1' ? 1 : 2)) / 8);
    return off + total > b.length ? { error: 'object_data_truncated' } : { next: off + total };
  }
  return walkIndexed(b, h, off, prefix, size === 'octets' ? h.variation : size);
}

function walkOne(b: Uint8Array, off: number, withData: boolean): { header?: Dnp3ObjectHeader; outcome: Outcome } {
  if (off + 3 > b.length) return { outcome: { error: 'object_header_truncated' } };
  const h: Dnp3ObjectHeader = { group: b[off], variation: b[off + 1], qualifier: b[off + 2], count: 0 };
  if (h.qualifier & 0x80) return { header: h, outcome: { error: 'object_qualifier' } };
  const after = readRange(b, h, off + 3);
  if (typeof after === 'string') return { header: h, outcome: { error: after } };
  if ((h.qualifier & 0x0f) === 6) return { header: h, outcome: { next: after } };
  // Requests without object data still list point indices when an index prefix is used;
  // a size prefix there has no defined meaning, so the rest is left unparsed.
  if (!withData && ((h.qualifier >> 4) & 0x07) >= 4) return { header: h, outcome: { unknown: true } };
  const size = withData ? objectSize(h.group, h.variation) : 0;
  const outcome = walkData(b, h, after, size);
  if ('next' in outcome && withData) {
    h.dataOffset = after;
    h.dataLength = outcome.next - after;
  }
  return { header: h, outcome };
}

/** Walks the object headers of a fragment from `off`. Never throws. */
export function walkObjects(b: Uint8Array, off: number, withData: boolean): WalkResult {
  const objects: Dnp3ObjectHeader[] = [];
  while (off < b.length) {
    if (objects.length >= MAX_HEADERS) return { objects, unparsedBytes: b.length - off };
    const { header, outcome } = walkOne(b, off, withData);
    if (header) objects.push(header);
    if ('error' in outcome) return { objects, unparsedBytes: 0, malformed: outcome.error };
    if ('unknown' in outcome) return { objects, unparsedBytes: b.length - off };
    off = outcome.next;
  }
  return { objects, unparsedBytes: 0 };
}
