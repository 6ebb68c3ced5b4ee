import type { AddressRange, Direction, GuardClass, GuardProtocol } from '../shared/guard.types.js';
import type { Dnp3PointValue } from '../dnp3/dnp3.types.js';
import type { GuardResponseEvent } from '../events/guard-event.types.js';
import type { Decision, GuardPolicy } from '../policy/policy.types.js';
import type { GrantKey } from '../policy/grant.signature.js';
import type { GooseMessage } from '../iec61850/goose.decoder.js';
import type { MmsMessage } from '../iec61850/mms.types.js';

/** Protocols a capture row may carry: the guarded ones, and IEC 61850 GOOSE and MMS (decoded only). */
export type InspectedProtocol = GuardProtocol | 'goose' | 'mms';

/**
 * One PDU found in a capture: a Modbus ADU, a DNP3 link frame, a GOOSE message (direction
 * "response": published by a device; src/dst are MAC addresses) or an MMS PDU.
 */
export interface InspectionRow {
  /** Frame number (1-based, as tshark) of the packet that completed the PDU. */
  frame: number;
  ts: number;
  protocol: InspectedProtocol;
  transport: 'tcp' | 'udp' | 'ethernet';
  direction: Direction;
  /** "ip:port" of sender and receiver ("aa:bb:…" MAC addresses for GOOSE). */
  src: string;
  dst: string;
  /** Modbus TCP transaction id and unit id. */
  transactionId?: number;
  unit?: number;
  /** DNP3 link addresses and link function; application sequence when a fragment completed. */
  linkSource?: number;
  linkDestination?: number;
  linkFunction?: number;
  appSeq?: number;
  /** Modbus function code without the exception bit, or DNP3 application function code. */
  fc?: number;
  /** Absent for DNP3 link frames that carry no completed application fragment. */
  class?: GuardClass;
  ranges: AddressRange[];
  exceptionCode?: number;
  /** DNP3 response internal indications. */
  iin?: number;
  malformed?: string;
  /** DNP3 object octets not walked because an object size is unknown. */
  unparsedBytes?: number;
  /** Values a Modbus request writes (coils 0/1, registers as 16-bit words). */
  values?: number[];
  /** DNP3 point values: what a SELECT / OPERATE / DIRECT_OPERATE commands (CROB, analog output), or what a response reports. */
  points?: Dnp3PointValue[];
  /** DNP3 object headers of the application fragment, with the indices they name. */
  objects?: InspectionObject[];
  /** Octets of the PDU, or of the run of unframeable bytes. */
  bytes?: number;
  /** For a run of unframeable bytes merged into one row: pieces merged and the last frame. */
  count?: number;
  lastFrame?: number;
  /** Policy decision for requests, when a policy was given. */
  decision?: Decision;
  /** Replies the policy's response rules name (guard.response events), when a policy was given. */
  events?: GuardResponseEvent[];
  /** The decoded GOOSE message (IEC 61850-8-1). */
  goose?: GooseMessage;
  /** The decoded MMS PDU (ISO 9506), or for connection set-up without one the ISO PDU kind. */
  mms?: MmsMessage;
  /** COTP TPDU or session SPDU kind of an MMS row that carries no MMS PDU (CR, CC, DR, finish…). */
  iso?: string;
}

/** One DNP3 object header: start/stop from the range field or the lowest/highest index prefix. */
export interface InspectionObject {
  group: number;
  variation: number;
  qualifier: number;
  count: number;
  start?: number;
  stop?: number;
}

export interface InspectOptions {
  policy?: GuardPolicy;
  grants?: readonly unknown[];
  grantKey?: GrantKey;
  deviceId?: string;
  modbusPorts?: number[];
  dnp3Ports?: number[];
  /** TCP ports of MMS servers (RFC 1006). Default [102]. */
  mmsPorts?: number[];
  /** Connections tracked at once (oldest forgotten first). Default 4096. */
  maxFlows?: number;
  /** Rows `inspectCapture` collects at most. Default 1,000,000. */
  maxRows?: number;
}

/** What `inspectCaptureStream` returns once the rows have been handed out. */
export interface InspectionSummary {
  format: 'pcap' | 'pcapng' | 'unknown';
  packets: number;
  /** Rows handed out. */
  rows: number;
  error?: string;
  /** True when the row callback stopped the inspection. */
  truncated?: boolean;
}

export interface InspectionReport {
  format: 'pcap' | 'pcapng' | 'unknown';
  packets: number;
  rows: InspectionRow[];
  /** Capture reading problem (rows cover what could be read). */
  error?: string;
  /** True when maxRows cut the report short. */
  truncated?: boolean;
}
