import { concatBytes, u16le } from '../shared/bytes.util.js';
import { crc16Modbus } from '../shared/crc16.util.js';
import type { Direction } from '../shared/guard.types.js';
import type { ModbusPdu } from './modbus.types.js';
import { modbusPduLength } from './modbus-pdu.length.js';
import { decodeModbusRequest } from './modbus-request.parser.js';
import { decodeModbusResponse } from './modbus-response.parser.js';

// Modbus over Serial Line v1.02 §2.5.1: RTU frame = address (1) + PDU (<= 253) + CRC (2, low byte first).
export const MAX_RTU_ADU = 256;
const MIN_RTU_ADU = 4;

export interface ModbusRtuAdu {
  unit: number;
  pdu: ModbusPdu;
  raw: Uint8Array;
}

export type ModbusRtuFrame =
  { kind: 'adu'; adu: ModbusRtuAdu } | { kind: 'malformed'; reason: string; raw: Uint8Array; unit?: number };

/** Silent interval marking the end of a frame (t3.5), in milliseconds. */
export function rtuFrameGapMs(baudRate: number): number {
  // §2.5.1.1: 3.5 character times of 11 bits; above 19200 baud a fixed 1.750 ms is used.
  if (!(baudRate > 0) || baudRate > 19200) return 1.75;
  return (3.5 * 11 * 1000) / baudRate;
}

/** Parses one complete RTU frame (address, PDU, CRC). Never throws. */
export function parseModbusRtuAdu(bytes: Uint8Array, direction: Direction): ModbusRtuFrame {
  if (bytes.length < MIN_RTU_ADU) return { kind: 'malformed', reason: 'truncated', raw: bytes };
  if (bytes.length > MAX_RTU_ADU) return { kind: 'malformed', reason: 'frame_too_long', raw: bytes };
  const unit = bytes[0];
  const end = bytes.length - 2;
  if (crc16Modbus(bytes, 0, end) !== u16le(bytes, end))
    return { kind: 'malformed', reason: 'bad_crc', raw: bytes, unit };
  const body = bytes.subarray(1, end);
  const pdu = direction === 'request' ? decodeModbusRequest(body) : decodeModbusResponse(body);
  return { kind: 'adu', adu: { unit, pdu, raw: bytes } };
}

/** Appends the CRC to address + PDU. */
export function withModbusCrc(frame: Uint8Array): Uint8Array {
  const out = new Uint8Array(frame.length + 2);
  out.set(frame, 0);
  const crc = crc16Modbus(frame);
  out[frame.length] = crc & 0xff;
  out[frame.length + 1] = crc >> 8;
  return out;
}

export interface RtuSplitterOptions {
  direction: Direction;
  baudRate: number;
  /** Split frames by function-code-derived length as soon as the CRC matches (default true). */
  lengthFraming?: boolean;
}

/**
 * Splits a serial byte stream into RTU frames. Two rules, the first to fire wins:
 * a silence of t3.5 ends a frame (timestamps come with each chunk; call flush()
 * when the line has been quiet long enough), and, because timestamps of buffered
 * serial reads are coarse, a frame whose length is implied by its function code
 * and whose CRC checks out is emitted at once. Holds at most 256 bytes.
 */
export class ModbusRtuSplitter {
  private pending: Uint8Array = new Uint8Array(0);
  private lastByteAt = 0;
  private readonly gapMs: number;

  constructor(private readonly opts: RtuSplitterOptions) {
    this.gapMs = rtuFrameGapMs(opts.baudRate);
  }

  get buffered(): number {
    return this.pending.length;
  }

  /** Time at which flush() would end the pending frame, if any bytes are pending. */
  deadline(): number | undefined {
    return this.pending.length ? this.lastByteAt + this.gapMs : undefined;
  }

  push(chunk: Uint8Array, nowMs: number): ModbusRtuFrame[] {
    const out = this.flush(nowMs);
    this.pending = concatBytes(this.pending, chunk);
    this.lastByteAt = nowMs;
    if (this.opts.lengthFraming !== false) this.splitByLength(out);
    if (this.pending.length > MAX_RTU_ADU) {
      out.push({ kind: 'malformed', reason: 'frame_too_long', raw: this.pending, unit: this.pending[0] });
      this.pending = new Uint8Array(0);
    }
    return out;
  }

  /** Ends the pending frame if the line has been silent for t3.5 (or always, with force). */
  flush(nowMs: number, force = false): ModbusRtuFrame[] {
    if (this.pending.length === 0) return [];
    if (!force && nowMs - this.lastByteAt < this.gapMs) return [];
    const frame = parseModbusRtuAdu(this.pending, this.opts.direction);
    this.pending = new Uint8Array(0);
    return [frame];
  }

  private splitByLength(out: ModbusRtuFrame[]): void {
    while (this.pending.length >= MIN_RTU_ADU) {
      const pduLen = modbusPduLength(this.pending.subarray(1), this.opts.direction);
      if (typeof pduLen !== 'number') return;
      const total = 1 + pduLen + 2;
      if (total > MAX_RTU_ADU || total > this.pending.length) return;
      if (crc16Modbus(this.pending, 0, total - 2) !== u16le(this.pending, total - 2)) return;
      out.push(parseModbusRtuAdu(this.pending.slice(0, total), this.opts.direction));
      this.pending = this.pending.slice(total);
    }
  }
}
