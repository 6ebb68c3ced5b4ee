// Vocabulary shared by every parser, the policy engine and the events.

export type GuardProtocol = 'modbus' | 'dnp3';

/** What a request does to the device, or why it could not be understood. */
export type GuardClass = 'read' | 'write' | 'control' | 'response' | 'malformed' | 'unknown';

/** The four Modbus data tables; DNP3 point types are mapped onto them (see dnp3-app.parser.ts). */
export type RegisterTable = 'coil' | 'discrete' | 'holding' | 'input';

export type Direction = 'request' | 'response';

/** A contiguous run of addresses touched by one request. */
export interface AddressRange {
  table: RegisterTable;
  start: number;
  count: number;
  access: 'read' | 'write';
}

/** Protocol-neutral view of one parsed request, the input of the policy engine. */
export interface GuardRequest {
  protocol: GuardProtocol;
  /** Modbus unit id, or DNP3 destination link address. */
  unit: number;
  /** Modbus function code (without the exception bit) or DNP3 application function code. */
  fc: number;
  class: GuardClass;
  ranges: readonly AddressRange[];
  /** Values written, when the request carries them (coils as 0/1, registers as 16-bit words). */
  values?: readonly number[];
  malformed?: string;
  /** Modbus framing, needed to build an exception reply. */
  framing?: 'tcp' | 'rtu';
  transactionId?: number;
  /** DNP3 application sequence number. */
  appSeq?: number;
  /** DNP3 source link address (the master). */
  linkSource?: number;
}
