import { withModbusCrc } from './modbus-rtu.parser.js';

/** Exception ADU for Modbus TCP (§7): same transaction and unit, fc | 0x80, code. */
export function buildModbusTcpException(transactionId: number, unit: number, fc: number, code: number): Uint8Array {
  return new Uint8Array([
    (transactionId >> 8) & 0xff,
    transactionId & 0xff,
    0,
    0,
    0,
    3,
    unit & 0xff,
    (fc & 0x7f) | 0x80,
    code & 0xff,
  ]);
}

/** Exception ADU for Modbus RTU: address, fc | 0x80, code, CRC. */
export function buildModbusRtuException(unit: number, fc: number, code: number): Uint8Array {
  return withModbusCrc(new Uint8Array([unit & 0xff, (fc & 0x7f) | 0x80, code & 0xff]));
}
