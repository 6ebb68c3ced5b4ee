import { concatBytes, u16le } from '../shared/bytes.util.js';
import { crc16Dnp } from '../shared/crc16.util.js';
import type { Dnp3LinkHeader, Dnp3LinkResult } from './dnp3.types.js';

// IEEE 1815-2012 §9.2.4 (FT3 frame format): 0x05 0x64, LENGTH, CONTROL, DESTINATION (LE),
// SOURCE (LE), header CRC; then user data in blocks of 16 octets, each followed by a CRC.
export const DNP3_HEADER_LENGTH = 10;
const START0 = 0x05;
const START1 = 0x64;
// LENGTH counts CONTROL + DESTINATION + SOURCE (5) + user data (at most 250).
const MIN_LENGTH = 5;
export const MAX_LINK_FRAME = DNP3_HEADER_LENGTH + 250 + 2 * 16;

/** Total octets on the wire for a LENGTH value, CRCs included. */
export function dnp3FrameSize(lengthField: number): number {
  const data = lengthField - MIN_LENGTH;
  return DNP3_HEADER_LENGTH + data + 2 * Math.ceil(data / 16);
}

function readHeader(b: Uint8Array, off: number): Dnp3LinkHeader {
  const control = b[off + 3];
  return {
    length: b[off + 2],
    control,
    fromMaster: (control & 0x80) !== 0,
    primary: (control & 0x40) !== 0,
    linkFunction: control & 0x0f,
    destination: u16le(b, off + 4),
    source: u16le(b, off + 6),
  };
}

/** Problem with the 10-octet header at b[off], if any. */
function headerProblem(b: Uint8Array, off: number): string | undefined {
  if (b[off] !== START0 || b[off + 1] !== START1) return 'start_octets';
  if (crc16Dnp(b, off, off + 8) !== u16le(b, off + 8)) return 'header_crc';
  if (b[off + 2] < MIN_LENGTH) return 'length';
  return undefined;
}

/** Checks each data block CRC and returns the user data without CRCs. */
function extractUserData(frame: Uint8Array, header: Dnp3LinkHeader): Uint8Array | undefined {
  const out = new Uint8Array(header.length - MIN_LENGTH);
  let src = DNP3_HEADER_LENGTH;
  for (let dst = 0; dst < out.length; dst += 16) {
    const n = Math.min(16, out.length - dst);
    if (crc16Dnp(frame, src, src + n) !== u16le(frame, src + n)) return undefined;
    out.set(frame.subarray(src, src + n), dst);
    src += n + 2;
  }
  return out;
}

/** Parses exactly one link frame held in `bytes`. Never throws. */
export function parseDnp3LinkFrame(bytes: Uint8Array): Dnp3LinkResult {
  if (bytes.length < DNP3_HEADER_LENGTH) return { kind: 'malformed', reason: 'truncated', raw: bytes };
  const problem = headerProblem(bytes, 0);
  if (problem) return { kind: 'malformed', reason: problem, raw: bytes };
  const header = readHeader(bytes, 0);
  if (bytes.length !== dnp3FrameSize(header.length))
    return { kind: 'malformed', reason: 'length_mismatch', raw: bytes, header };
  const userData = extractUserData(bytes, header);
  if (!userData) return { kind: 'malformed', reason: 'data_crc', raw: bytes, header };
  return { kind: 'frame', frame: { ...header, userData, raw: bytes } };
}

function findStart(b: Uint8Array, from: number): number {
  for (let i = from; i + 1 < b.length; i++) if (b[i] === START0 && b[i + 1] === START1) return i;
  return b.length > from && b[b.length - 1] === START0 ? b.length - 1 : b.length;
}

/**
 * Streaming link-frame reassembler for one direction of a byte stream.
 *
 * Unlike Modbus TCP, DNP3 frames start with the sync octets 0x05 0x64 and carry a
 * header CRC, so after garbage or a corrupt header the reassembler resyncs by hunting
 * for the next 0x05 0x64; skipped bytes are reported as malformed. Holds at most one
 * partial frame (< 292 octets).
 */
export class Dnp3LinkReassembler {
  private pending: Uint8Array = new Uint8Array(0);

  get buffered(): number {
    return this.pending.length;
  }

  reset(): void {
    this.pending = new Uint8Array(0);
  }

  push(chunk: Uint8Array): Dnp3LinkResult[] {
    const data = concatBytes(this.pending, chunk);
    const out: Dnp3LinkResult[] = [];
    let off = 0;
    while (off < data.length) {
      const start = findStart(data, off);
      if (start > off) out.push({ kind: 'malformed', reason: 'no_start_octets', raw: data.slice(off, start) });
      off = start;
      if (data.length - off < DNP3_HEADER_LENGTH) break;
      const problem = headerProblem(data, off);
      if (problem) {
        out.push({ kind: 'malformed', reason: problem, raw: data.slice(off, off + 2) });
        off += 2;
        continue;
      }
      const end = off + dnp3FrameSize(data[off + 2]);
      if (end > data.length) break;
      out.push(parseDnp3LinkFrame(data.slice(off, end)));
      off = end;
    }
    this.pending = data.slice(off);
    return out;
  }
}
