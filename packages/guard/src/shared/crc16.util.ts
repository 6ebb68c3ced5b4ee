// CRC-16 variants used on the wire. Table-driven, reflected algorithms.

function makeTable(reflectedPoly: number): Uint16Array {
  const table = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ reflectedPoly : c >>> 1;
    table[n] = c;
  }
  return table;
}

// Modbus over Serial Line v1.02, §2.5.1.2 and Appendix B: polynomial 0xA001
// (reflected 0x8005), initial value 0xFFFF, low byte sent first.
const MODBUS_TABLE = makeTable(0xa001);
// IEEE 1815-2012 §9.2.4.1.4 (link layer CRC): polynomial 0x3D65, reflected 0xA6BC,
// initial value 0, result complemented, low byte sent first.
const DNP3_TABLE = makeTable(0xa6bc);

function run(table: Uint16Array, init: number, b: Uint8Array, start: number, end: number): number {
  let crc = init;
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ table[(crc ^ b[i]) & 0xff];
  return crc & 0xffff;
}

/** CRC-16/MODBUS over b[start, end). */
export function crc16Modbus(b: Uint8Array, start = 0, end = b.length): number {
  return run(MODBUS_TABLE, 0xffff, b, start, end);
}

/** CRC-16/DNP over b[start, end). */
export function crc16Dnp(b: Uint8Array, start = 0, end = b.length): number {
  return ~run(DNP3_TABLE, 0, b, start, end) & 0xffff;
}
