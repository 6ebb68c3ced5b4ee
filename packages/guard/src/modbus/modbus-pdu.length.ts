import { u16be } from '../shared/bytes.util.js';
import type { Direction } from '../shared/guard.types.js';

/**
 * Expected PDU length derived from the function code and the bytes seen so far.
 * Returns a byte count, 'more' when more bytes are needed to tell, or 'unknown'
 * for function codes whose length cannot be derived. Used for RTU framing, which
 * has no length field.
 */
export type PduLength = number | 'more' | 'unknown';

// Fixed request lengths, Modbus Application Protocol v1.1b3 §6.x.
const FIXED_REQUEST: Record<number, number> = {
  1: 5,
  2: 5,
  3: 5,
  4: 5,
  5: 5,
  6: 5,
  7: 1,
  11: 1,
  12: 1,
  17: 1,
  22: 7,
  24: 3,
};
// Fixed response lengths (§6.5, §6.6, §6.7, §6.9, §6.11, §6.12, §6.16).
const FIXED_RESPONSE: Record<number, number> = { 5: 5, 6: 5, 7: 2, 11: 5, 15: 5, 16: 5, 22: 7 };
// Functions whose length is "byte count at offset N, then that many bytes".
const COUNTED_REQUEST: Record<number, number> = { 15: 5, 16: 5, 20: 1, 21: 1, 23: 9 };
const COUNTED_RESPONSE: Record<number, number> = { 1: 1, 2: 1, 3: 1, 4: 1, 12: 1, 17: 1, 20: 1, 21: 1, 23: 1 };

function counted(p: Uint8Array, at: number): PduLength {
  return p.length > at ? at + 1 + p[at] : 'more';
}

/** Length of a Modbus PDU starting at p[0] (the function code). */
export function modbusPduLength(p: Uint8Array, direction: Direction): PduLength {
  if (p.length === 0) return 'more';
  const fc = p[0];
  if (direction === 'response' && fc & 0x80) return 2; // §7: fc | 0x80, exception code
  const fixed = direction === 'request' ? FIXED_REQUEST[fc] : FIXED_RESPONSE[fc];
  if (fixed !== undefined) return fixed;
  const at = direction === 'request' ? COUNTED_REQUEST[fc] : COUNTED_RESPONSE[fc];
  if (at !== undefined) return counted(p, at);
  if (fc === 24 && direction === 'response') return p.length >= 3 ? 3 + u16be(p, 1) : 'more';
  if (fc === 43 && direction === 'request' && p.length >= 2 && p[1] === 14) return 4;
  return 'unknown';
}
