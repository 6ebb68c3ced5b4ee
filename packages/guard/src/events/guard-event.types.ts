import type { AddressRange, GuardClass, GuardProtocol, GuardWireProtocol } from '../shared/guard.types.js';
import type { Decision } from '../policy/policy.types.js';

interface GuardEventBase {
  /** Milliseconds since the epoch. */
  ts: number;
  deviceId?: string;
}

/** One request that was written, blocked, alerted on or could not be parsed. */
export interface GuardTrafficEvent extends GuardEventBase {
  type: 'guard.write' | 'guard.blocked' | 'guard.alert' | 'guard.malformed';
  protocol: GuardWireProtocol;
  master: string;
  unit?: number;
  fc?: number;
  class: GuardClass;
  ranges: AddressRange[];
  /** Number of values written (the values themselves stay on the device side). */
  valueCount?: number;
  action: Decision['action'];
  reason?: string;
  violations: string[];
  grantIds?: string[];
  /** States whose rule let the write or operate through. */
  states?: string[];
  policyVersion: number;
  transactionId?: number;
  appSeq?: number;
  /** MMS: the service, its invoke id and the object references it names ("LD0/XCBR1.Pos.Oper[CO]"). */
  service?: string;
  invokeId?: number;
  objects?: string[];
}

/**
 * A connection closed because it went past one of the guard's bounds: requests awaiting a
 * reply, or bytes held for a peer that does not read (a stalled device, a master that never
 * reads its replies).
 */
export interface GuardOverloadEvent extends GuardEventBase {
  type: 'guard.overload';
  protocol: GuardWireProtocol;
  master: string;
  limit: 'requests_in_flight' | 'buffered_bytes';
  value: number;
  bound: number;
}

/** A reply the policy's response rules name: a Modbus exception code or DNP3 internal indications. */
export interface GuardResponseEvent extends GuardEventBase {
  type: 'guard.response';
  protocol: GuardWireProtocol;
  master: string;
  unit: number;
  fc: number;
  exceptionCode?: number;
  /** Names of the DNP3 IIN bits the rules asked for that were set. */
  iin?: string[];
  policyVersion: number;
}

/**
 * A write or operate that belongs to a procedure (an operation workflow): the step it performed,
 * or the step next due when it was refused. Every event of one run carries the same procedureId.
 */
export interface GuardProcedureEvent extends GuardEventBase {
  type: 'guard.procedure';
  protocol: GuardWireProtocol;
  master: string;
  unit: number;
  fc: number;
  procedure: string;
  procedureId?: string;
  step: string;
  stepIndex: number;
  steps: number;
  /** step: a step done; selected: a DNP3 SELECT of the step next due; completed: the last step done; refused. */
  outcome: 'step' | 'selected' | 'completed' | 'refused';
  operator?: string;
  /** The reason and ticket the procedure's grant was issued under. */
  reason?: string;
  ticket?: string;
  grantId?: string;
  /** Why the request was refused (the first violation), when it was. */
  refusal?: string;
  policyVersion: number;
}

/** First sighting of a master, unit or function code. */
export interface GuardLearnEvent extends GuardEventBase {
  type: 'guard.new_master' | 'guard.new_unit' | 'guard.new_function';
  protocol: GuardWireProtocol;
  master: string;
  unit: number;
  fc: number;
}

/** Something sensitive seen on a serial console; never carries the secret itself. */
export interface GuardConsoleEvent extends GuardEventBase {
  type: 'guard.login_prompt' | 'guard.credential_seen';
  protocol: 'serial';
  port?: string;
  /** Prompt kind, for login_prompt. */
  prompt?: 'login' | 'username' | 'password';
  /** Name of the pattern that matched, for credential_seen. */
  pattern?: string;
}

/** Statistics of one proxied connection, sent when it closes. */
export interface GuardSessionEvent extends GuardEventBase {
  type: 'guard.session';
  protocol: GuardWireProtocol;
  master: string;
  startedAt: number;
  durationMs: number;
  requests: Record<GuardClass, number>;
  blocked: number;
  alerted: number;
  /** Responses seen from the device, and how many of them were exception responses. */
  responses: number;
  exceptions: number;
  bytesFromMaster: number;
  bytesFromDevice: number;
  closeReason?: string;
}

/**
 * One identity query the guard sent itself (active identification, never a master's): what was
 * asked of which field device, where it sits, and how it answered.
 */
export interface GuardIdentifyEvent extends GuardEventBase {
  type: 'guard.identify';
  protocol: GuardProtocol;
  /** Where the field device sits, e.g. "tcp:10.0.0.5:502", "rtu:/dev/ttyS1". */
  interface: string;
  /** Modbus unit id or DNP3 outstation address. */
  address: number;
  /** What was asked, e.g. "modbus fc43/14 code 1 object 0", "dnp3 read g0v254". */
  query: string;
  outcome: 'identified' | 'exception' | 'timeout' | 'unsupported' | 'failed';
  exceptionCode?: number;
  /** Why the query failed (connection refused, unreadable reply). */
  reason?: string;
}

export type GuardEvent =
  | GuardIdentifyEvent
  | GuardTrafficEvent
  | GuardLearnEvent
  | GuardConsoleEvent
  | GuardSessionEvent
  | GuardOverloadEvent
  | GuardResponseEvent
  | GuardProcedureEvent;
export type GuardEventType = GuardEvent['type'];

/** A zeroed per-class counter. */
export function emptyClassCounts(): Record<GuardClass, number> {
  return { read: 0, session: 0, write: 0, control: 0, response: 0, malformed: 0, unknown: 0 };
}
