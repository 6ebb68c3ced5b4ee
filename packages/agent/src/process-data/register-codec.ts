// How a data point's value sits in Modbus registers and bits, both ways: decoding what a read
// returned into a scaled value, and encoding a value an operator writes into the words to send.

export const REGISTER_TABLES = ['coil', 'discrete', 'input', 'holding'] as const;
export type RegisterTable = (typeof REGISTER_TABLES)[number];

export const REGISTER_TYPES = ['bool', 'int16', 'uint16', 'int32', 'uint32', 'float32', 'bit', 'string'] as const;
export type RegisterType = (typeof REGISTER_TYPES)[number];

/** `ABCD`: high word first (big-endian, the Modbus convention); `CDAB`: low word first. */
export type WordOrder = 'ABCD' | 'CDAB';

export interface RegisterLayout {
  table: RegisterTable;
  type: RegisterType;
  /** float32, int32, uint32: which word comes first. Default ABCD. */
  wordOrder?: WordOrder;
  /** `bit`: which bit of the register (0 = least significant). */
  bit?: number;
  /** `string`: how many registers (two ASCII characters each, high byte first). */
  length?: number;
  scale?: number;
  offset?: number;
}

/** Coils and discrete inputs are bits; input and holding registers are 16-bit words. */
export const isBitTable = (t: RegisterTable) => t === 'coil' || t === 'discrete';

/** How many registers (or bits) a point occupies. */
export function registerCount(l: RegisterLayout): number {
  if (isBitTable(l.table)) return 1;
  if (l.type === 'int32' || l.type === 'uint32' || l.type === 'float32') return 2;
  if (l.type === 'string') return l.length ?? 1;
  return 1;
}

function ordered(words: readonly number[], order: WordOrder | undefined): [number, number] {
  return order === 'CDAB' ? [words[1], words[0]] : [words[0], words[1]];
}

/** The unscaled value the words hold. */
export function decodeRaw(l: RegisterLayout, words: readonly number[]): number | boolean | string {
  if (isBitTable(l.table)) return words[0] !== 0;
  const w = words.map((x) => x & 0xffff);
  switch (l.type) {
    case 'bool':
      return w[0] !== 0;
    case 'bit':
      return ((w[0] >> (l.bit ?? 0)) & 1) === 1;
    case 'uint16':
      return w[0];
    case 'int16':
      return w[0] >= 0x8000 ? w[0] - 0x10000 : w[0];
    case 'uint32':
    case 'int32':
    case 'float32': {
      const [hi, lo] = ordered(w, l.wordOrder);
      const b = Buffer.alloc(4);
      b.writeUInt16BE(hi, 0);
      b.writeUInt16BE(lo, 2);
      if (l.type === 'uint32') return b.readUInt32BE(0);
      if (l.type === 'int32') return b.readInt32BE(0);
      return b.readFloatBE(0);
    }
    case 'string': {
      const b = Buffer.alloc(w.length * 2);
      w.forEach((x, i) => b.writeUInt16BE(x, i * 2));
      // Devices pad with NULs or spaces; stop at the first NUL, keep printable ASCII only.
      const text = b.toString('latin1').split('\0')[0];
      return text.replace(/[^\x20-\x7e]/g, '').trimEnd();
    }
  }
}

const isScaled = (l: RegisterLayout) => (l.scale ?? 1) !== 1 || (l.offset ?? 0) !== 0;

/** The value as reported: numbers times scale plus offset (float32 rounded to 7 significant digits). */
export function decodeValue(l: RegisterLayout, words: readonly number[]): number | boolean | string {
  const raw = decodeRaw(l, words);
  if (typeof raw !== 'number') return raw;
  const scaled = isScaled(l) ? raw * (l.scale ?? 1) + (l.offset ?? 0) : raw;
  // Float arithmetic leaves 0.30000000000000004; a register never carries that much precision.
  return l.type === 'float32' || isScaled(l) ? Number(scaled.toPrecision(l.type === 'float32' ? 7 : 12)) : scaled;
}

export class EncodeError extends Error {
  constructor(
    readonly code: 'wrong_type' | 'out_of_range' | 'not_writable_type',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The words (or, for bit tables, 0/1) that write `value` to a point: the inverse of decodeValue.
 * Throws EncodeError when the value does not fit the point's type and range.
 */
export function encodeValue(l: RegisterLayout, value: number | boolean | string): number[] {
  if (isBitTable(l.table) || l.type === 'bool') {
    if (typeof value !== 'boolean' && value !== 0 && value !== 1)
      throw new EncodeError('wrong_type', 'this point takes true or false');
    return [value === true || value === 1 ? 1 : 0];
  }
  if (l.type === 'bit')
    throw new EncodeError('not_writable_type', 'a single bit of a register cannot be written alone');
  if (l.type === 'string') {
    if (typeof value !== 'string') throw new EncodeError('wrong_type', 'this point takes text');
    const n = l.length ?? 1;
    if (value.length > n * 2 || /[^\x20-\x7e]/.test(value))
      throw new EncodeError('out_of_range', `text must be printable ASCII of at most ${n * 2} characters`);
    const b = Buffer.alloc(n * 2);
    b.write(value, 'latin1');
    return Array.from({ length: n }, (_, i) => b.readUInt16BE(i * 2));
  }
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new EncodeError('wrong_type', 'this point takes a number');
  const raw = (value - (l.offset ?? 0)) / (l.scale ?? 1);
  const b = Buffer.alloc(4);
  const int = (min: number, max: number) => {
    const r = Math.round(raw);
    if (r < min || r > max) throw new EncodeError('out_of_range', `${value} does not fit ${l.type} after scaling`);
    return r;
  };
  switch (l.type) {
    case 'uint16':
      return [int(0, 0xffff)];
    case 'int16':
      return [int(-0x8000, 0x7fff) & 0xffff];
    case 'uint32':
      b.writeUInt32BE(int(0, 0xffffffff), 0);
      break;
    case 'int32':
      b.writeInt32BE(int(-0x80000000, 0x7fffffff), 0);
      break;
    case 'float32':
      if (Math.abs(raw) > 3.4028234663852886e38) throw new EncodeError('out_of_range', `${value} does not fit float32`);
      b.writeFloatBE(raw, 0);
      break;
  }
  const hi = b.readUInt16BE(0);
  const lo = b.readUInt16BE(2);
  return l.wordOrder === 'CDAB' ? [lo, hi] : [hi, lo];
}
