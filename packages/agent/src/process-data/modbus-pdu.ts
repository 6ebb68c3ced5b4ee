// Modbus application PDUs a polling master needs (Modbus Application Protocol v1.1b3 §6):
// reads of the four tables, single and multiple writes, and reading the answers.
import { isBitTable, type RegisterTable } from './register-codec.js';

/** Why a Modbus exchange gave no value: the point's quality reason (`exception-2`, `timeout`, `comm-lost`). */
export class ModbusFailure extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

const READ_FC: Record<RegisterTable, number> = { coil: 0x01, discrete: 0x02, holding: 0x03, input: 0x04 };
/** Most registers (125) and bits (2000) one read may ask for. */
export const MAX_READ_REGISTERS = 125;
export const MAX_READ_BITS = 2000;

export function readRequest(table: RegisterTable, start: number, count: number): Buffer {
  const b = Buffer.alloc(5);
  b[0] = READ_FC[table];
  b.writeUInt16BE(start, 1);
  b.writeUInt16BE(count, 3);
  return b;
}

/** A write of one coil (FC 5), one register (FC 6) or several registers (FC 16). */
export function writeRequest(table: RegisterTable, start: number, words: readonly number[]): Buffer {
  if (table === 'coil') {
    const b = Buffer.alloc(5);
    b[0] = 0x05;
    b.writeUInt16BE(start, 1);
    b.writeUInt16BE(words[0] ? 0xff00 : 0x0000, 3);
    return b;
  }
  if (table !== 'holding')
    throw new ModbusFailure('not-writable', `${table} ${isBitTable(table) ? 'inputs' : 'registers'} are read-only`);
  if (words.length === 1) {
    const b = Buffer.alloc(5);
    b[0] = 0x06;
    b.writeUInt16BE(start, 1);
    b.writeUInt16BE(words[0] & 0xffff, 3);
    return b;
  }
  const b = Buffer.alloc(6 + words.length * 2);
  b[0] = 0x10;
  b.writeUInt16BE(start, 1);
  b.writeUInt16BE(words.length, 3);
  b[5] = words.length * 2;
  words.forEach((w, i) => b.writeUInt16BE(w & 0xffff, 6 + i * 2));
  return b;
}

function checkException(req: Buffer, res: Buffer): void {
  if (res.length >= 2 && res[0] === (req[0] | 0x80))
    throw new ModbusFailure(`exception-${res[1]}`, `the device answered with Modbus exception ${res[1]}`);
  if (res[0] !== req[0])
    throw new ModbusFailure('bad-reply', `reply function ${res[0]} to a request of function ${req[0]}`);
}

/** The words (registers) or 0/1 values (bits) a read returned. */
export function parseReadResponse(req: Buffer, res: Buffer): number[] {
  checkException(req, res);
  const count = req.readUInt16BE(3);
  const bytes = res[1];
  if (res.length !== 2 + bytes) throw new ModbusFailure('bad-reply', 'reply length does not match its byte count');
  if (req[0] <= 0x02) {
    if (bytes !== Math.ceil(count / 8)) throw new ModbusFailure('bad-reply', 'wrong number of bits in the reply');
    return Array.from({ length: count }, (_, i) => (res[2 + (i >> 3)] >> (i & 7)) & 1);
  }
  if (bytes !== count * 2) throw new ModbusFailure('bad-reply', 'wrong number of registers in the reply');
  return Array.from({ length: count }, (_, i) => res.readUInt16BE(2 + i * 2));
}

export function checkWriteResponse(req: Buffer, res: Buffer): void {
  checkException(req, res);
  if (res.length !== 5 || res.readUInt16BE(1) !== req.readUInt16BE(1))
    throw new ModbusFailure('bad-reply', 'the write was not echoed as sent');
}

/** Length of an RTU reply (address + PDU + CRC) from its first bytes; undefined until enough arrived. */
export function rtuReplyLength(b: Buffer): number | undefined {
  if (b.length < 3) return undefined;
  const fc = b[1];
  if (fc & 0x80) return 5;
  if (fc >= 0x01 && fc <= 0x04) return 5 + b[2];
  return 8;
}
