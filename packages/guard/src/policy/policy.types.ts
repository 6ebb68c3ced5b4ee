import type {
  GuardAccessRule,
  GuardFunctionRules,
  GuardIdentify,
  GuardObjectRules,
  GuardProcedure,
  GuardRateLimit,
  GuardResponseRules,
  GuardSelectBeforeOperate,
  GuardStateDef,
  GuardStateRule,
  GuardValueRule,
} from '@outpost/protocol';
import type { GuardMmsRules } from '@outpost/protocol';
import type { RegisterTable } from '../shared/guard.types.js';
import type { ProcedureStepOutcome } from './procedure.types.js';

export type PolicyMode = 'monitor' | 'alert' | 'enforce';
export type PolicyClass = 'read' | 'write' | 'control';

export interface AllowedRange {
  table: RegisterTable;
  /** Inclusive bounds. */
  start: number;
  end: number;
}

/**
 * What a guard lets through.
 * - monitor: everything passes; violations are only recorded. alert: everything passes and
 *   violations raise alerts. enforce: violating requests are blocked.
 * - allowedClasses is a hard list of request classes; 'unknown' and 'malformed' are never allowed.
 * - readOnly: requests that change the device (class 'write' or 'control') additionally need
 *   valid write grants covering every written address; reads and session maintenance
 *   (class 'session', judged as 'read') are not gated. A grant never lifts the other rules.
 * - addressRanges (when set): every address touched, read or written, must lie in one of them,
 *   and a request touching anything no address names (see GuardRequest.unattributed) is refused.
 * - onViolation: answer a blocked Modbus request with an exception, or drop it silently.
 * - schema 2 adds rule kinds (docs/GUARD-POLICY.md): functions, access, values, dnp3Objects,
 *   rateLimits, responses, states, stateRules, selectBeforeOperate, procedures. Each only narrows
 *   what passes, except a state rule with effect `allow` and the step of a running procedure next
 *   due, which stand in for a write grant under readOnly.
 */
export interface GuardPolicy {
  mode: PolicyMode;
  allowedMasters?: string[];
  allowedUnits?: number[];
  allowedClasses: PolicyClass[];
  addressRanges?: AllowedRange[];
  readOnly: boolean;
  onViolation: 'exception' | 'drop';
  version: number;
  schema?: 1 | 2;
  functions?: GuardFunctionRules;
  access?: GuardAccessRule[];
  values?: GuardValueRule[];
  dnp3Objects?: GuardObjectRules;
  rateLimits?: GuardRateLimit[];
  responses?: GuardResponseRules;
  states?: GuardStateDef[];
  stateRules?: GuardStateRule[];
  selectBeforeOperate?: GuardSelectBeforeOperate;
  procedures?: GuardProcedure[];
  /** Active identity queries the agent's guards send (not a rule: the engine ignores it). */
  identify?: GuardIdentify;
  /** IEC 61850 (MMS) rules, judged by the MMS guard (iec61850/mms-policy.engine.ts). */
  iec61850?: GuardMmsRules;
}

export interface SessionContext {
  /** Address of the master (SCADA client), e.g. "10.0.0.5". */
  master: string;
  nowMs: number;
}

export interface Decision {
  action: 'allow' | 'alert' | 'block';
  /** First violation, when there is one. */
  reason?: string;
  violations: string[];
  /** Bytes to send back to the master instead of forwarding (Modbus exception ADU). */
  response?: Uint8Array;
  /** Exception code used for `response`. */
  exceptionCode?: number;
  /** Grants that made a write acceptable (write grants, or state grants through a state rule). */
  grantIds?: string[];
  /** States whose `allow` rule made a write or operate acceptable. */
  states?: string[];
  /** The procedure step this write or operate is (or was refused as), see procedure.rules.ts. */
  procedure?: ProcedureStepOutcome;
}

/** A policy that passes everything and records what it sees. */
export function monitorPolicy(): GuardPolicy {
  return {
    mode: 'monitor',
    allowedClasses: ['read', 'write', 'control'],
    readOnly: false,
    onViolation: 'drop',
    version: 0,
  };
}
