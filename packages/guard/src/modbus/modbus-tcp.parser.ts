import { concatBytes, u16be } from '../shared/bytes.util.js';
import type { Direction } from '../shared/guard.types.js';
import type { ModbusPdu, ModbusTcpAdu } from './modbus.types.js';
import { decodeModbusRequest } from './modbus-request.parser.js';
import { decodeModbusResponse } from './modbus-response.parser.js';

// MBAP header, Modbus Messaging on TCP/IP Implementation Guide v1.0b §3.1.3:
// transaction id (2), protocol id (2, always 0), length (2, counts unit id + PDU), unit id (1).
export const MBAP_HEADER_LENGTH = 7;
// Modbus Application Protocol v1.1b3 §4.1: PDU <= 253 bytes, so TCP ADU <= 260 bytes and
// the length field is at most 254; it is at least 2 (unit id + function code). Framing
// accepts one octet more: Schneider UMAS frames (FC 90) are 261 bytes, length 255. The
// request decoder still refuses a PDU past 253 (parse leniently, decide strictly).
export const MAX_TCP_ADU = 261;
const MIN_LENGTH_FIELD = 2;
const MAX_LENGTH_FIELD = MAX_TCP_ADU - 6;

export interface MbapHeader {
  transactionId: number;
  protocolId: number;
  length: number;
  unit: number;
}

/** A complete ADU, or bytes that could not be framed. */
export type ModbusTcpFrame =
  { kind: 'adu'; adu: ModbusTcpAdu } | { kind: 'malformed'; reason: string; raw: Uint8Array; header?: MbapHeader };

/** Header fields at b[off] when at least 7 bytes are present. */
export function readMbapHeader(b: Uint8Array, off = 0): MbapHeader | undefined {
  if (b.length - off < MBAP_HEADER_LENGTH) return undefined;
  return {
    transactionId: u16be(b, off),
    protocolId: u16be(b, off + 2),
    length: u16be(b, off + 4),
    unit: b[off + 6],
  };
}

/** Why the first 6 header bytes at b[off] cannot start an ADU, if they cannot. */
export function mbapHeaderProblem(b: Uint8Array, off = 0): string | undefined {
  if (b.length - off >= 4 && u16be(b, off + 2) !== 0) return 'mbap_protocol_id';
  if (b.length - off >= 6) {
    const len = u16be(b, off + 4);
    if (len < MIN_LENGTH_FIELD || len > MAX_LENGTH_FIELD) return 'mbap_length';
  }
  return undefined;
}

function decodePdu(pdu: Uint8Array, direction: Direction): ModbusPdu {
  return direction === 'request' ? decodeModbusRequest(pdu) : decodeModbusResponse(pdu);
}

/** Parses exactly one ADU held in `bytes`. Never throws. */
export function parseModbusTcpAdu(bytes: Uint8Array, direction: Direction): ModbusTcpFrame {
  const header = readMbapHeader(bytes);
  if (!header) return { kind: 'malformed', reason: 'truncated', raw: bytes };
  const problem = mbapHeaderProblem(bytes);
  if (problem) return { kind: 'malformed', reason: problem, raw: bytes, header };
  if (bytes.length !== 6 + header.length)
    return { kind: 'malformed', reason: 'mbap_length_mismatch', raw: bytes, header };
  const pdu = decodePdu(bytes.subarray(MBAP_HEADER_LENGTH), direction);
  return { kind: 'adu', adu: { ...header, pdu, raw: bytes } };
}

/**
 * Streaming ADU reassembler for one direction of one TCP connection.
 *
 * Feed it TCP payload chunks of any size; it returns the complete ADUs in order.
 * At most one partial ADU (< 261 bytes) is held between calls.
 *
 * Resync policy: MBAP has no sync marker, so once a header is impossible (protocol id
 * not 0, length outside 2..254) the position of the next ADU cannot be known. The
 * reassembler then reports the bytes as malformed, discards everything buffered and
 * the rest of that chunk, and treats the next chunk as the start of a new ADU. This
 * matches how TCP segments usually align with ADUs, and it is what the reference
 * dissector does. An inline proxy must not rely on it: it fails closed instead
 * (drops the bytes and closes the connection).
 */
export class ModbusTcpReassembler {
  private pending: Uint8Array = new Uint8Array(0);

  constructor(private readonly direction: Direction) {}

  /** Bytes held waiting for the rest of an ADU. */
  get buffered(): number {
    return this.pending.length;
  }

  reset(): void {
    this.pending = new Uint8Array(0);
  }

  push(chunk: Uint8Array): ModbusTcpFrame[] {
    const data = concatBytes(this.pending, chunk);
    const out: ModbusTcpFrame[] = [];
    let off = 0;
    while (off < data.length) {
      const problem = mbapHeaderProblem(data, off);
      if (problem) {
        out.push({ kind: 'malformed', reason: problem, raw: data.slice(off), header: readMbapHeader(data, off) });
        off = data.length;
        break;
      }
      if (data.length - off < 6) break;
      const end = off + 6 + u16be(data, off + 4);
      if (end > data.length) break;
      out.push(parseModbusTcpAdu(data.slice(off, end), this.direction));
      off = end;
    }
    this.pending = data.slice(off);
    return out;
  }
}
