// Builders for synthetic DNP3 frames used by the tests.
import { crc16Dnp } from '../shared/crc16.util.js';

function withCrc(b: number[]): number[] {
  const crc = crc16Dnp(Uint8Array.from(b));
  return [...b, crc & 0xff, crc >> 8];
}

export interface LinkOptions {
  destination: number;
  source: number;
  /** Control octet; default: DIR|PRM + unconfirmed user data (0xC4). */
  control?: number;
}

/** One link frame with header and block CRCs. */
export function linkFrame(opts: LinkOptions, userData: number[] = []): Uint8Array {
  const ctl = opts.control ?? 0xc4;
  const head = withCrc([
    0x05,
    0x64,
    5 + userData.length,
    ctl,
    opts.destination & 0xff,
    opts.destination >> 8,
    opts.source & 0xff,
    opts.source >> 8,
  ]);
  const blocks: number[] = [];
  for (let i = 0; i < userData.length; i += 16) blocks.push(...withCrc(userData.slice(i, i + 16)));
  return Uint8Array.from([...head, ...blocks]);
}

/** Splits an application fragment into transport segments, one link frame each. */
export function fragmentFrames(opts: LinkOptions, fragment: number[], firstSeq = 0, maxPayload = 249): Uint8Array[] {
  const out: Uint8Array[] = [];
  let seq = firstSeq;
  for (let off = 0; off < fragment.length || off === 0; off += maxPayload) {
    const part = fragment.slice(off, off + maxPayload);
    const fir = off === 0 ? 0x40 : 0;
    const fin = off + maxPayload >= fragment.length ? 0x80 : 0;
    out.push(linkFrame(opts, [fin | fir | (seq & 0x3f), ...part]));
    seq++;
    if (fragment.length === 0) break;
  }
  return out;
}

export const MASTER = { destination: 4, source: 3 };
export const OUTSTATION = { destination: 3, source: 4, control: 0x44 };

/** Application fragments: [control, function, ...objects]. FIR|FIN set. */
export const apdu = {
  // READ class 1/2/3/0 (g60v2..4, g60v1, qualifier 0x06).
  readClasses: (seq: number): number[] => [0xc0 | seq, 1, 60, 2, 6, 60, 3, 6, 60, 4, 6, 60, 1, 6],
  // READ g30v1 points 0..9 (qualifier 0x01, 16-bit start/stop).
  readAnalogs: (seq: number, start: number, stop: number): number[] => [
    0xc0 | seq,
    1,
    30,
    1,
    0x01,
    start & 0xff,
    start >> 8,
    stop & 0xff,
    stop >> 8,
  ],
  // DIRECT_OPERATE a CROB on `index` (g12v1, qualifier 0x28: 16-bit count and 16-bit index prefix).
  directOperate: (seq: number, index: number): number[] => [
    0xc0 | seq,
    5,
    12,
    1,
    0x28,
    1,
    0,
    index & 0xff,
    index >> 8,
    0x03,
    1,
    0x64,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
  ],
  // WRITE g80v1 index 7 = 0 (clear device restart IIN).
  clearRestart: (seq: number): number[] => [0xc0 | seq, 2, 80, 1, 0x00, 7, 7, 0],
  // WRITE g50v1 absolute time, count 1.
  writeTime: (seq: number): number[] => [0xc0 | seq, 2, 50, 1, 0x07, 1, 1, 2, 3, 4, 5, 6],
  coldRestart: (seq: number): number[] => [0xc0 | seq, 13],
  // Response with IIN 0x9000 and g30v1 points 0..1.
  response: (seq: number): number[] => [0xc0 | seq, 129, 0x90, 0x00, 30, 1, 0x00, 0, 1, 1, 10, 0, 0, 0, 1, 20, 0, 0, 0],
  // Response with an unknown object (g99v9) after a known one.
  responseUnknown: (seq: number): number[] => [
    0xc0 | seq,
    129,
    0,
    0,
    1,
    2,
    0x00,
    0,
    1,
    0x81,
    0x81,
    99,
    9,
    0x00,
    0,
    3,
    1,
    2,
    3,
    4,
  ],
};

/** A CROB (g12v1) as its 11 octets: control code, count, on time, off time (ms, little-endian), status 0. */
export function crobObject(code: number, count = 1, onMs = 100, offMs = 0): number[] {
  const b = new DataView(new ArrayBuffer(11));
  b.setUint8(0, code);
  b.setUint8(1, count);
  b.setUint32(2, onMs, true);
  b.setUint32(6, offMs, true);
  return [...new Uint8Array(b.buffer)];
}

const ANALOG_WIDTH = [0, 4, 2, 4, 8];

/** A value as the octets of an analog object of this variation (1 int32, 2 int16, 3 float32, 4 float64). */
export function analogOctets(variation: number, value: number): number[] {
  const b = new DataView(new ArrayBuffer(ANALOG_WIDTH[variation]));
  if (variation === 1) b.setInt32(0, value, true);
  else if (variation === 2) b.setInt16(0, value, true);
  else if (variation === 3) b.setFloat32(0, value, true);
  else b.setFloat64(0, value, true);
  return [...new Uint8Array(b.buffer)];
}

/** A command fragment (SELECT 3, OPERATE 4, DIRECT_OPERATE 5) of one object on `index`, qualifier 0x28. */
export function commandApdu(
  seq: number,
  fc: number,
  group: number,
  variation: number,
  index: number,
  object: number[],
) {
  return [0xc0 | seq, fc, group, variation, 0x28, 1, 0, index & 0xff, index >> 8, ...object];
}

/** An analog output block (g41) of variation 1-4: the value then a status octet 0. */
export const analogOutputObject = (variation: number, value: number) => [...analogOctets(variation, value), 0];

// The analog kind (as analogOctets) of the flagged variations of g30 and g40.
const KIND: Record<number, Record<number, number>> = { 30: { 1: 1, 2: 2, 5: 3, 6: 4 }, 40: { 1: 1, 2: 2, 3: 3, 4: 4 } };

/** A response reporting analog inputs (g30) or analog output status (g40) of points start.. (qualifier 0x01, flag 0x01 each). */
export function statusResponse(seq: number, group: 30 | 40, variation: number, start: number, values: number[]) {
  const stop = start + values.length - 1;
  const objects = values.flatMap((v) => [0x01, ...analogOctets(KIND[group][variation], v)]);
  return [0xc0 | seq, 129, 0, 0, group, variation, 0x01, start & 0xff, start >> 8, stop & 0xff, stop >> 8, ...objects];
}
