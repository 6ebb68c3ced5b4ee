import type { AddressRange, Direction, GuardClass, GuardProtocol } from '../shared/guard.types.js';
import type { Decision, GuardPolicy } from '../policy/policy.types.js';
import type { GrantKey } from '../policy/grant.signature.js';

/** One PDU found in a capture: a Modbus ADU, or a DNP3 link frame. */
export interface InspectionRow {
  /** Frame number (1-based, as tshark) of the packet that completed the PDU. */
  frame: number;
  ts: number;
  protocol: GuardProtocol;
  transport: 'tcp' | 'udp';
  direction: Direction;
  /** "ip:port" of sender and receiver. */
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
  /** Policy decision for requests, when a policy was given. */
  decision?: Decision;
}

export interface InspectOptions {
  policy?: GuardPolicy;
  grants?: readonly unknown[];
  grantKey?: GrantKey;
  deviceId?: string;
  modbusPorts?: number[];
  dnp3Ports?: number[];
  /** Connections tracked at once (oldest forgotten first). Default 4096. */
  maxFlows?: number;
  /** Rows returned at most. Default 1,000,000. */
  maxRows?: number;
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
