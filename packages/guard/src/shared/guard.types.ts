// Vocabulary shared by every parser, the policy engine and the events.

export type GuardProtocol = 'modbus' | 'dnp3';

/** Every protocol a guard relays and reports on: those the request policy judges, and IEC 61850 MMS. */
export type GuardWireProtocol = GuardProtocol | 'mms';

/**
 * What a request does to the device, or why it could not be understood. `session` is routine
 * session maintenance that changes no process data (DNP3 confirmations, unsolicited
 * enable/disable, time synchronisation, clearing the restart indication); a policy treats it
 * as a read.
 */
export type GuardClass = 'read' | 'session' | 'write' | 'control' | 'response' | 'malformed' | 'unknown';

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

/** A DNP3 control relay output block (CROB, g12v1), IEEE 1815-2012 Annex A. */
export interface CrobCommand {
  /** The control code octet: op type (bits 0-3), queue (4), clear (5), trip-close code (6-7). */
  code: number;
  /** `[close_|trip_]op`, op one of nul, pulse_on, pulse_off, latch_on, latch_off; set queue and clear bits add `+queue` / `+clear`. */
  name: string;
  count: number;
  onMs: number;
  offMs: number;
}

/**
 * The value one DNP3 object carries for one point: a command's (CROB: 1 close/on, 0 trip/off;
 * analog output: the set-point) or a reported one. `value` is absent when the object names none.
 */
export interface PointValue {
  table: RegisterTable;
  index: number;
  value?: number;
  crob?: CrobCommand;
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
  /**
   * What the request touches that no address range names (DNP3 "all points" and class polls,
   * objects after a header that could not be walked, Modbus file records). With address
   * ranges or a grant to check, such a request cannot be fully decided and fails closed.
   */
  unattributed?: readonly string[];
  /** Modbus diagnostics sub-function (FC 8) or MEI type (FC 43). */
  sub?: number;
  /** DNP3: the octets after the function code (object headers and data), to match an OPERATE with its SELECT. */
  objectBytes?: Uint8Array;
  /** DNP3 object headers (group and variation) of the request. */
  objects?: readonly { group: number; variation: number }[];
  /** Values written, when the request carries them (coils as 0/1, registers as 16-bit words). */
  values?: readonly number[];
  /** DNP3: the command values of a SELECT / OPERATE / DIRECT_OPERATE, per point. */
  points?: readonly PointValue[];
  malformed?: string;
  /** Modbus framing, needed to build an exception reply. */
  framing?: 'tcp' | 'rtu';
  transactionId?: number;
  /** DNP3 application sequence number. */
  appSeq?: number;
  /** DNP3 source link address (the master). */
  linkSource?: number;
}

/** Protocol-neutral view of one reply from the device, the input of the response rules. */
export interface GuardResponse {
  protocol: GuardProtocol;
  /** Modbus unit id, or DNP3 source link address (the outstation). */
  unit: number;
  /** Function code without the exception bit (Modbus) or DNP3 response function code. */
  fc: number;
  /** Modbus exception code of an exception reply. */
  exceptionCode?: number;
  /** DNP3 internal indications (IIN1 in the high byte). */
  iin?: number;
  /** Modbus TCP transaction id, pairing the reply with its request. */
  transactionId?: number;
  /** Modbus reply PDU (function code first): the values a read returned. */
  pdu?: Uint8Array;
  /** DNP3: the point values the response reports (analog inputs and outputs, binary states). */
  points?: readonly PointValue[];
}
