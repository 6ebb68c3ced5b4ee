import type { RegisterTable } from '../shared/guard.types.js';
import { u16be } from '../shared/bytes.util.js';
import type { ModbusPdu } from './modbus.types.js';
import {
  classOfFunction,
  fitsAddressSpace,
  malformedPdu,
  pduResult,
  range,
  readWords,
  unpackBits,
} from './modbus-pdu.common.js';

// Request PDU decoding, Modbus Application Protocol Specification v1.1b3 (§6.x per code).

type RequestDecoder = (p: Uint8Array) => ModbusPdu;

function readRequest(table: RegisterTable, max: number): RequestDecoder {
  return (p) => {
    const fc = p[0];
    if (p.length !== 5) return malformedPdu(fc, 'pdu_length');
    const start = u16be(p, 1);
    const qty = u16be(p, 3);
    if (qty < 1 || qty > max) return malformedPdu(fc, 'quantity_out_of_range');
    if (!fitsAddressSpace(start, qty)) return malformedPdu(fc, 'address_overflow');
    return pduResult(fc, 'read', { ranges: [range(table, start, qty, 'read')] });
  };
}

// §6.5: the coil value must be 0xFF00 (ON) or 0x0000 (OFF).
function writeSingleCoil(p: Uint8Array): ModbusPdu {
  if (p.length !== 5) return malformedPdu(5, 'pdu_length');
  const addr = u16be(p, 1);
  const value = u16be(p, 3);
  const ranges = [range('coil', addr, 1, 'write')];
  if (value !== 0xff00 && value !== 0x0000) return malformedPdu(5, 'coil_value', { ranges });
  return pduResult(5, 'write', { ranges, values: [value === 0xff00 ? 1 : 0] });
}

// §6.6
function writeSingleRegister(p: Uint8Array): ModbusPdu {
  if (p.length !== 5) return malformedPdu(6, 'pdu_length');
  const addr = u16be(p, 1);
  return pduResult(6, 'write', { ranges: [range('holding', addr, 1, 'write')], values: [u16be(p, 3)] });
}

// §6.11: quantity 1..1968 (0x7B0), byte count = ceil(quantity / 8).
function writeMultipleCoils(p: Uint8Array): ModbusPdu {
  if (p.length < 7) return malformedPdu(15, 'pdu_length');
  const start = u16be(p, 1);
  const qty = u16be(p, 3);
  const byteCount = p[5];
  const ranges = [range('coil', start, qty, 'write')];
  if (qty < 1 || qty > 0x7b0) return malformedPdu(15, 'quantity_out_of_range', { ranges });
  if (!fitsAddressSpace(start, qty)) return malformedPdu(15, 'address_overflow', { ranges });
  if (byteCount !== Math.ceil(qty / 8)) return malformedPdu(15, 'byte_count', { ranges });
  if (p.length !== 6 + byteCount) return malformedPdu(15, 'pdu_length', { ranges });
  return pduResult(15, 'write', { ranges, values: unpackBits(p, 6, qty) });
}

// §6.12: quantity 1..123 (0x7B), byte count = 2 x quantity.
function writeMultipleRegisters(p: Uint8Array): ModbusPdu {
  if (p.length < 6) return malformedPdu(16, 'pdu_length');
  const start = u16be(p, 1);
  const qty = u16be(p, 3);
  const byteCount = p[5];
  const ranges = [range('holding', start, qty, 'write')];
  if (qty < 1 || qty > 0x7b) return malformedPdu(16, 'quantity_out_of_range', { ranges });
  if (!fitsAddressSpace(start, qty)) return malformedPdu(16, 'address_overflow', { ranges });
  if (byteCount !== qty * 2) return malformedPdu(16, 'byte_count', { ranges });
  if (p.length !== 6 + byteCount) return malformedPdu(16, 'pdu_length', { ranges });
  return pduResult(16, 'write', { ranges, values: readWords(p, 6, qty) });
}

// §6.16: reference address, AND mask, OR mask.
function maskWriteRegister(p: Uint8Array): ModbusPdu {
  if (p.length !== 7) return malformedPdu(22, 'pdu_length');
  const ranges = [range('holding', u16be(p, 1), 1, 'write')];
  return pduResult(22, 'write', { ranges, values: [u16be(p, 3), u16be(p, 5)] });
}

// §6.17: read quantity 1..125 (0x7D), write quantity 1..121 (0x79), byte count = 2 x write quantity.
function readWriteMultiple(p: Uint8Array): ModbusPdu {
  if (p.length < 10) return malformedPdu(23, 'pdu_length');
  const [rs, rq, ws, wq, byteCount] = [u16be(p, 1), u16be(p, 3), u16be(p, 5), u16be(p, 7), p[9]];
  const ranges = [range('holding', rs, rq, 'read'), range('holding', ws, wq, 'write')];
  if (rq < 1 || rq > 0x7d || wq < 1 || wq > 0x79) return malformedPdu(23, 'quantity_out_of_range', { ranges });
  if (!fitsAddressSpace(rs, rq) || !fitsAddressSpace(ws, wq)) return malformedPdu(23, 'address_overflow', { ranges });
  if (byteCount !== wq * 2) return malformedPdu(23, 'byte_count', { ranges });
  if (p.length !== 10 + byteCount) return malformedPdu(23, 'pdu_length', { ranges });
  return pduResult(23, 'write', { ranges, values: readWords(p, 10, wq) });
}

// §6.7 (FC 7), §6.9 (FC 11), §6.10 (FC 12), §6.13 (FC 17): requests carry no data and only
// read status, counters, the event log or the server id.
function noData(fc: number): RequestDecoder {
  return (p) => (p.length === 1 ? pduResult(fc, 'read') : malformedPdu(fc, 'pdu_length'));
}

// §6.8.1: sub-functions that only return data (query echo, diagnostic register, counters);
// the others restart the port (1), change the delimiter (3), force listen-only mode (4) or
// clear counters (10, 20) and are control.
const READ_DIAGNOSTICS = new Set([0, 2, 11, 12, 13, 14, 15, 16, 17, 18]);

// §6.8: sub-function (2 bytes) followed by data words.
function diagnostics(p: Uint8Array): ModbusPdu {
  if (p.length < 3 || (p.length - 3) % 2 !== 0) return malformedPdu(8, 'pdu_length');
  const sub = u16be(p, 1);
  return pduResult(8, READ_DIAGNOSTICS.has(sub) ? 'read' : 'control', { subFunction: sub });
}

// §6.14 (FC 20) / §6.15 (FC 21): byte count 0x07..0xF5 then sub-requests of 7 bytes (+ data for 21).
function fileRecord(fc: number): RequestDecoder {
  return (p) => {
    const cls = fc === 20 ? 'read' : 'write';
    if (p.length < 2 || p[1] !== p.length - 2) return malformedPdu(fc, 'byte_count');
    if (p[1] < 7 || p[1] > 0xf5) return malformedPdu(fc, 'byte_count');
    // File and record numbers are not register addresses: no address range can name them.
    return pduResult(fc, cls, { unattributed: ['file_record'] });
  };
}

// §6.18: FIFO pointer address; the queue holds at most 31 registers.
function readFifo(p: Uint8Array): ModbusPdu {
  if (p.length !== 3) return malformedPdu(24, 'pdu_length');
  return pduResult(24, 'read', { ranges: [range('holding', u16be(p, 1), 1, 'read')] });
}

// §6.19-6.21: MEI type 14 is Read Device Identification (a read); 13 is CANopen (control).
function encapsulated(p: Uint8Array): ModbusPdu {
  if (p.length < 2) return malformedPdu(43, 'pdu_length');
  const mei = p[1];
  if (mei !== 14) return pduResult(43, mei === 13 ? 'control' : 'unknown', { subFunction: mei });
  if (p.length !== 4) return malformedPdu(43, 'pdu_length', { subFunction: mei });
  // §6.21: Read Device ID code 1..4.
  if (p[2] < 1 || p[2] > 4) return malformedPdu(43, 'read_device_id_code', { subFunction: mei });
  return pduResult(43, 'read', { subFunction: mei });
}

const DECODERS: Record<number, RequestDecoder> = {
  // §6.1 / §6.2: 1..2000 (0x7D0) bits; §6.3 / §6.4: 1..125 (0x7D) registers.
  1: readRequest('coil', 2000),
  2: readRequest('discrete', 2000),
  3: readRequest('holding', 125),
  4: readRequest('input', 125),
  5: writeSingleCoil,
  6: writeSingleRegister,
  7: noData(7),
  8: diagnostics,
  11: noData(11),
  12: noData(12),
  15: writeMultipleCoils,
  16: writeMultipleRegisters,
  17: noData(17),
  20: fileRecord(20),
  21: fileRecord(21),
  22: maskWriteRegister,
  23: readWriteMultiple,
  24: readFifo,
  43: encapsulated,
};

/** Decodes a request PDU (function code first). Never throws. */
export function decodeModbusRequest(pdu: Uint8Array): ModbusPdu {
  if (pdu.length === 0) return malformedPdu(0, 'empty_pdu');
  // §4.1: PDU at most 253 bytes.
  if (pdu.length > 253) return malformedPdu(pdu[0], 'pdu_too_long');
  const fc = pdu[0];
  // §5.1 / §7: 0 is not a function code; 128..255 are reserved for exception responses.
  if (fc === 0 || fc >= 0x80) return malformedPdu(fc, 'invalid_function_code');
  const decoder = DECODERS[fc];
  if (decoder) return decoder(pdu);
  return pduResult(fc, classOfFunction(fc));
}
