import type { AddressRange, GuardClass, RegisterTable } from '../shared/guard.types.js';
import type { ModbusPdu } from './modbus.types.js';

// Function code classes, Modbus Application Protocol v1.1b3 §5.1 (public function codes).
const READ_CODES = new Set([1, 2, 3, 4, 7, 11, 12, 17, 20, 24]);
const WRITE_CODES = new Set([5, 6, 15, 16, 21, 22, 23]);
const CONTROL_CODES = new Set([8, 43]);

/** Class of a function code on its own (FC 43 is refined by its MEI type). */
export function classOfFunction(fn: number): GuardClass {
  if (READ_CODES.has(fn)) return 'read';
  if (WRITE_CODES.has(fn)) return 'write';
  if (CONTROL_CODES.has(fn)) return 'control';
  return 'unknown';
}

export function pduResult(fc: number, cls: GuardClass, extra: Partial<ModbusPdu> = {}): ModbusPdu {
  return { fc, function: fc & 0x7f, class: cls, ranges: [], ...extra };
}

export function malformedPdu(fc: number, reason: string, extra: Partial<ModbusPdu> = {}): ModbusPdu {
  return { ...pduResult(fc, 'malformed', extra), malformed: reason };
}

export function range(table: RegisterTable, start: number, count: number, access: 'read' | 'write'): AddressRange {
  return { table, start, count, access };
}

/** True when [start, start+count) fits the 16-bit address space (§4.4: addresses 0..65535). */
export function fitsAddressSpace(start: number, count: number): boolean {
  return start + count <= 0x10000;
}

/** Unpacks `count` coil bits, LSB of the first byte first (§6.11). */
export function unpackBits(b: Uint8Array, off: number, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(((b[off + (i >> 3)] ?? 0) >> (i & 7)) & 1);
  return out;
}

export function readWords(b: Uint8Array, off: number, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(((b[off + 2 * i] ?? 0) << 8) | (b[off + 2 * i + 1] ?? 0));
  return out;
}
