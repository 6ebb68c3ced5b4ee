import type { RegisterTable } from '../shared/guard.types.js';

// Object sizes for the common groups, IEEE 1815-2012 Annex A (object library).
// 'bits1' / 'bits2': packed 1 or 2 bits per point; 'free': each object carries its own
// size prefix (qualifier 0x5B); 'octets': the variation is the length in octets.
export type ObjectSize = number | 'bits1' | 'bits2' | 'free' | 'octets';

const SIZES: Record<number, readonly (ObjectSize | undefined)[]> = {
  // Index = variation; undefined = unknown variation.
  1: [undefined, 'bits1', 1], // binary input
  2: [undefined, 1, 7, 3], // binary input event
  3: [undefined, 'bits2', 1], // double-bit binary input
  4: [undefined, 1, 7, 3], // double-bit binary input event
  10: [undefined, 'bits1', 1], // binary output
  11: [undefined, 1, 7], // binary output event
  12: [undefined, 11, 11, 'bits1'], // CROB, PCB, pattern mask
  13: [undefined, 1, 7], // binary output command event
  20: [undefined, 5, 3, 5, 3, 4, 2, 4, 2], // counter
  21: [undefined, 5, 3, 5, 3, 11, 9, 11, 9, 4, 2, 4, 2], // frozen counter
  22: [undefined, 5, 3, 5, 3, 11, 9, 11, 9], // counter event
  23: [undefined, 5, 3, 5, 3, 11, 9, 11, 9], // frozen counter event
  30: [undefined, 5, 3, 4, 2, 5, 9], // analog input
  31: [undefined, 5, 3, 11, 9, 4, 2, 5, 9], // frozen analog input
  32: [undefined, 5, 3, 11, 9, 5, 9, 11, 15], // analog input event
  33: [undefined, 5, 3, 11, 9, 5, 9, 11, 15], // frozen analog input event
  34: [undefined, 2, 4, 4], // analog input deadband
  40: [undefined, 5, 3, 5, 9], // analog output status
  41: [undefined, 5, 3, 5, 9], // analog output block
  42: [undefined, 5, 3, 11, 9, 5, 9, 11, 15], // analog output event
  43: [undefined, 6, 4, 12, 10, 5, 9, 11, 15], // analog output command event
  50: [undefined, 6, 10, 6, 11], // time and date
  51: [undefined, 6, 6], // common time of occurrence
  52: [undefined, 2, 2], // time delay
  70: [undefined, 'free', 'free', 'free', 'free', 'free', 'free', 'free', 'free'], // file control
  80: [undefined, 'bits1'], // internal indications
  120: [
    undefined,
    'free',
    'free',
    'free',
    'free',
    'free',
    'free',
    'free',
    'free',
    'free',
    'free',
    'free',
    'free',
    'free',
    'free',
    'free',
  ],
};

// Octet strings: the variation number is the object length.
const OCTET_GROUPS = new Set([110, 111, 112, 113]);

/** Size of one object of group/variation, or undefined when unknown. */
export function objectSize(group: number, variation: number): ObjectSize | undefined {
  if (OCTET_GROUPS.has(group)) return variation > 0 ? 'octets' : undefined;
  return SIZES[group]?.[variation];
}

/** Modbus-style table a DNP3 point group maps to, for address policies and grants. */
export function tableOfGroup(group: number): RegisterTable | undefined {
  if (group >= 1 && group <= 4) return 'discrete'; // binary / double-bit inputs
  if (group >= 10 && group <= 13) return 'coil'; // binary outputs and CROBs
  if (group >= 20 && group <= 34) return 'input'; // counters and analog inputs
  if (group >= 40 && group <= 43) return 'holding'; // analog outputs
  return undefined;
}
