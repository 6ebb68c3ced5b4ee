import { u16be } from '../shared/bytes.util.js';
import type { ModbusPdu } from './modbus.types.js';
import { classOfFunction, fitsAddressSpace, malformedPdu, pduResult, range, readWords } from './modbus-pdu.common.js';

// Response PDU decoding, Modbus Application Protocol Specification v1.1b3 (§6.x, §7).

type ResponseDecoder = (p: Uint8Array) => ModbusPdu;

// §6.1-§6.4: byte count then data; register responses carry an even byte count.
function byteCountResponse(fc: number, even: boolean): ResponseDecoder {
  return (p) => {
    const cls = classOfFunction(fc);
    if (p.length < 2 || p[1] !== p.length - 2) return malformedPdu(fc, 'byte_count');
    if (even && p[1] % 2 !== 0) return malformedPdu(fc, 'byte_count');
    return pduResult(fc, cls);
  };
}

// §6.5, §6.6: echo of the request; §6.11, §6.12: start address and quantity.
function echoResponse(fc: number): ResponseDecoder {
  return (p) => {
    if (p.length !== 5) return malformedPdu(fc, 'pdu_length');
    const addr = u16be(p, 1);
    if (fc === 5) {
      const v = u16be(p, 3);
      if (v !== 0xff00 && v !== 0) return malformedPdu(fc, 'coil_value');
      return pduResult(fc, 'write', { ranges: [range('coil', addr, 1, 'write')] });
    }
    if (fc === 6)
      return pduResult(fc, 'write', { ranges: [range('holding', addr, 1, 'write')], values: readWords(p, 3, 1) });
    // The echoed quantity obeys the request limits: §6.11 (1..0x7B0 coils), §6.12 (1..0x7B registers).
    const qty = u16be(p, 3);
    const max = fc === 15 ? 0x7b0 : 0x7b;
    if (qty < 1 || qty > max) return malformedPdu(fc, 'quantity_out_of_range');
    if (!fitsAddressSpace(addr, qty)) return malformedPdu(fc, 'address_overflow');
    return pduResult(fc, 'write', { ranges: [range(fc === 15 ? 'coil' : 'holding', addr, qty, 'write')] });
  };
}

function fixedResponse(fc: number, len: number): ResponseDecoder {
  return (p) => (p.length === len ? pduResult(fc, classOfFunction(fc)) : malformedPdu(fc, 'pdu_length'));
}

// §6.8: echo of sub-function and data.
function diagnosticsResponse(p: Uint8Array): ModbusPdu {
  if (p.length < 3 || (p.length - 3) % 2 !== 0) return malformedPdu(8, 'pdu_length');
  return pduResult(8, 'control', { subFunction: u16be(p, 1) });
}

// §6.16: echo of reference address and both masks.
function maskWriteResponse(p: Uint8Array): ModbusPdu {
  if (p.length !== 7) return malformedPdu(22, 'pdu_length');
  return pduResult(22, 'write', { ranges: [range('holding', u16be(p, 1), 1, 'write')] });
}

// §6.18: byte count (2 bytes), FIFO count (<= 31), values.
function fifoResponse(p: Uint8Array): ModbusPdu {
  if (p.length < 5 || u16be(p, 1) !== p.length - 3) return malformedPdu(24, 'byte_count');
  const count = u16be(p, 3);
  if (count > 31 || p.length !== 5 + 2 * count) return malformedPdu(24, 'fifo_count');
  return pduResult(24, 'read');
}

// §6.21: MEI 14, read code, conformity, more follows (0x00/0xFF), next id, count, objects.
function encapsulatedResponse(p: Uint8Array): ModbusPdu {
  if (p.length < 2) return malformedPdu(43, 'pdu_length');
  const mei = p[1];
  if (mei !== 14) return pduResult(43, mei === 13 ? 'control' : 'unknown', { subFunction: mei });
  if (p.length < 7) return malformedPdu(43, 'pdu_length', { subFunction: mei });
  if (p[4] !== 0x00 && p[4] !== 0xff) return malformedPdu(43, 'more_follows', { subFunction: mei });
  let off = 7;
  for (let i = 0; i < p[6]; i++) {
    if (off + 2 > p.length) return malformedPdu(43, 'object_list', { subFunction: mei });
    off += 2 + p[off + 1];
  }
  if (off !== p.length) return malformedPdu(43, 'object_list', { subFunction: mei });
  return pduResult(43, 'read', { subFunction: mei });
}

const DECODERS: Record<number, ResponseDecoder> = {
  1: byteCountResponse(1, false),
  2: byteCountResponse(2, false),
  3: byteCountResponse(3, true),
  4: byteCountResponse(4, true),
  5: echoResponse(5),
  6: echoResponse(6),
  7: fixedResponse(7, 2), // §6.7: one status byte
  8: diagnosticsResponse,
  11: fixedResponse(11, 5), // §6.9: status word and event count
  12: byteCountResponse(12, false), // §6.10
  15: echoResponse(15),
  16: echoResponse(16),
  17: byteCountResponse(17, false), // §6.13
  20: byteCountResponse(20, false), // §6.14
  21: byteCountResponse(21, false), // §6.15
  22: maskWriteResponse,
  23: byteCountResponse(23, true), // §6.17
  24: fifoResponse,
  43: encapsulatedResponse,
};

/** Decodes a response PDU, including exception responses (fc | 0x80, §7). Never throws. */
export function decodeModbusResponse(pdu: Uint8Array): ModbusPdu {
  if (pdu.length === 0) return malformedPdu(0, 'empty_pdu');
  // One octet past §4.1's 253: vendor frames (Schneider UMAS, FC 90) fill MBAP length 255.
  if (pdu.length > 254) return malformedPdu(pdu[0], 'pdu_too_long');
  const fc = pdu[0];
  if (fc === 0 || fc === 0x80) return malformedPdu(fc, 'invalid_function_code');
  if (fc & 0x80) {
    const fn = fc & 0x7f;
    if (pdu.length < 2) return malformedPdu(fc, 'pdu_length');
    // §7 says two octets; some devices pad the exception with a trailing octet. The code
    // is the second octet either way.
    const quirk = pdu.length > 2 ? { quirk: 'exception_trailing_bytes' } : {};
    return pduResult(fc, classOfFunction(fn), { exceptionCode: pdu[1], ...quirk });
  }
  const decoder = DECODERS[fc];
  if (decoder) return decoder(pdu);
  return pduResult(fc, classOfFunction(fc));
}
