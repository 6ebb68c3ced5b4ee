import type { AddressRange, GuardClass } from '../shared/guard.types.js';

/** One decoded Modbus PDU (request or response). */
export interface ModbusPdu {
  /** Function code byte as on the wire (exception responses keep the 0x80 bit). */
  fc: number;
  /** Function code without the exception bit. */
  function: number;
  class: GuardClass;
  ranges: AddressRange[];
  /** Values written by the request (coils 0/1, registers as words). */
  values?: number[];
  /** Exception code of an exception response (fc | 0x80). */
  exceptionCode?: number;
  /** Diagnostics sub-function (FC 8) or MEI type (FC 43). */
  subFunction?: number;
  /** Set when the PDU breaks the specification; the other fields are best effort. */
  malformed?: string;
  /** What the request touches that no address range names (file records). */
  unattributed?: string[];
  /** A deviation seen on real devices that was parsed leniently (responses only). */
  quirk?: string;
}

/** One complete Modbus TCP application data unit. */
export interface ModbusTcpAdu {
  transactionId: number;
  protocolId: number;
  unit: number;
  pdu: ModbusPdu;
  /** The ADU bytes exactly as received (MBAP header included). */
  raw: Uint8Array;
}

/** Exception codes, Modbus Application Protocol v1.1b3 §7. */
export const ModbusException = {
  IllegalFunction: 0x01,
  IllegalDataAddress: 0x02,
  IllegalDataValue: 0x03,
  ServerDeviceFailure: 0x04,
  Acknowledge: 0x05,
  ServerDeviceBusy: 0x06,
  MemoryParityError: 0x08,
  GatewayPathUnavailable: 0x0a,
  GatewayTargetFailed: 0x0b,
} as const;
