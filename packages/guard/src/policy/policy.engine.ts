import type { GuardRequest } from '../shared/guard.types.js';
import { ModbusException } from '../modbus/modbus.types.js';
import { buildModbusRtuException, buildModbusTcpException } from '../modbus/modbus-exception.builder.js';
import type { Decision, GuardPolicy, PolicyClass, SessionContext } from './policy.types.js';
import type { GrantBook } from './grant.book.js';
import { coveredByUnion } from './interval.util.js';
import type { GuardMemoryView } from './guard.memory.js';
import {
  checkAccess,
  checkFunctions,
  checkObjects,
  checkRate,
  effectiveClass,
  type Violation,
} from './policy-rules.checks.js';
import { checkValues } from './value-rules.checks.js';
import { checkProcedures } from './procedure.rules.js';
import type { ProcedureStepOutcome } from './procedure.types.js';
import { checkSelectBeforeOperate, checkStateGates, stateAllowance, type StateInputs } from './state-rules.checks.js';

interface Findings {
  violations: Violation[];
  grantIds: string[];
  states: string[];
  procedure?: ProcedureStepOutcome;
}

// The policy class a request class is judged under: session maintenance goes with reads.
function policyClassOf(cls: GuardRequest['class']): PolicyClass | undefined {
  if (cls === 'session') return 'read';
  return cls === 'read' || cls === 'write' || cls === 'control' ? cls : undefined;
}

function checkIdentity(req: GuardRequest, ctx: SessionContext, policy: GuardPolicy, out: Violation[]): void {
  if (policy.allowedMasters && !policy.allowedMasters.includes(ctx.master)) {
    out.push({ code: 'master_not_allowed', exception: ModbusException.IllegalFunction });
  }
  // An unit the guard must not reach looks to the master like an absent gateway target.
  if (policy.allowedUnits && !policy.allowedUnits.includes(req.unit)) {
    out.push({ code: 'unit_not_allowed', exception: ModbusException.GatewayTargetFailed });
  }
}

function checkClass(cls: GuardRequest['class'], policy: GuardPolicy, out: Violation[]): void {
  const pc = policyClassOf(cls);
  const allowed = pc !== undefined && policy.allowedClasses.includes(pc);
  if (!allowed) out.push({ code: `class_not_allowed:${cls}`, exception: ModbusException.IllegalFunction });
}

function checkAddresses(req: GuardRequest, policy: GuardPolicy, out: Violation[]): void {
  const allowed = policy.addressRanges;
  if (!allowed) return;
  if (req.unattributed?.length) {
    out.push({ code: `address_unattributed:${req.unattributed[0]}`, exception: ModbusException.IllegalDataAddress });
    return;
  }
  for (const r of req.ranges) {
    const spans = allowed.filter((a) => a.table === r.table).map((a) => [a.start, a.end] as const);
    if (!coveredByUnion(spans, r.start, r.start + r.count - 1)) {
      out.push({
        code: `address_not_allowed:${r.table}:${r.start}+${r.count}`,
        exception: ModbusException.IllegalDataAddress,
      });
      return;
    }
  }
}

// Under readOnly, a request that changes the device (class write or control: writes to data
// points, operates, set-points, restarts, freezes, file and virtual-terminal operations)
// passes only when grants cover every written address, or a state rule with effect `allow`
// whose state holds names it. One that names no written address, or touches something no
// address names, can never be granted (only a state rule naming its function lets it through).
// Reads and session maintenance are not gated.
function checkWriteGrant(
  req: GuardRequest,
  cls: GuardRequest['class'],
  ctx: SessionContext,
  policy: GuardPolicy,
  s: StateInputs,
  f: Findings,
): void {
  const grants = s.grants;
  if (!policy.readOnly || (cls !== 'write' && cls !== 'control')) return;
  const written = req.ranges.filter((r) => r.access === 'write');
  const ids = new Set<string>();
  let covered = written.length > 0 && grants !== undefined && !req.unattributed?.length;
  for (const r of written) {
    const used = grants?.cover(req.unit, r, ctx.nowMs);
    if (!used) covered = false;
    used?.forEach((g) => ids.add(g.id));
  }
  if (covered) return void f.grantIds.push(...ids);
  // The step of a running procedure next due is granted by the grant that started the run.
  const step = f.procedure;
  if (step && !step.refused && step.grantId) return void f.grantIds.push(step.grantId);
  const byState = stateAllowance(req, ctx, policy, s);
  if (!byState)
    return void f.violations.push({ code: 'ungranted_write', exception: ModbusException.IllegalDataAddress });
  f.states.push(byState.state);
  if (byState.grantId) f.grantIds.push(byState.grantId);
}

function buildResponse(req: GuardRequest, code: number): Uint8Array | undefined {
  if (req.protocol !== 'modbus' || req.unit < 0) return undefined;
  if (req.framing === 'rtu') return buildModbusRtuException(req.unit, req.fc, code);
  if (req.transactionId === undefined) return undefined;
  return buildModbusTcpException(req.transactionId, req.unit, req.fc, code);
}

function blocked(req: GuardRequest, policy: GuardPolicy, f: Findings): Decision {
  const first = f.violations[0];
  const decision: Decision = { action: 'block', reason: first.code, violations: f.violations.map((v) => v.code) };
  if (f.procedure) decision.procedure = f.procedure;
  if (policy.onViolation === 'exception' && req.class !== 'malformed') {
    const response = buildResponse(req, first.exception);
    if (response) {
      decision.response = response;
      decision.exceptionCode = first.exception;
    }
  }
  return decision;
}

/**
 * Decides what to do with one parsed request. Pure: the result depends only on the
 * arguments (`memory` is read, never changed; the caller records the request afterwards, see
 * GuardEngine). Malformed requests fail closed in enforce mode (blocked, never answered).
 */
export function evaluatePolicy(
  req: GuardRequest,
  ctx: SessionContext,
  policy: GuardPolicy,
  grants?: GrantBook,
  memory?: GuardMemoryView,
): Decision {
  const f: Findings = { violations: [], grantIds: [], states: [] };
  if (req.class === 'malformed') {
    f.violations.push({ code: `malformed:${req.malformed ?? 'unknown'}`, exception: ModbusException.IllegalFunction });
  } else {
    const cls = effectiveClass(req, policy);
    checkIdentity(req, ctx, policy, f.violations);
    checkRate(req, ctx, policy, memory, f.violations);
    checkFunctions(req, policy, f.violations);
    checkClass(cls, policy, f.violations);
    checkObjects(req, policy, f.violations);
    checkAddresses(req, policy, f.violations);
    checkAccess(req, ctx, policy, f.violations);
    checkValues(req, policy, memory, f.violations);
    const s: StateInputs = { grants, memory };
    checkStateGates(req, cls, ctx, policy, s, f.violations);
    checkSelectBeforeOperate(req, ctx, policy, memory, f.violations);
    const step = checkProcedures(req, cls, ctx, policy, s, f.violations);
    if (step) f.procedure = step;
    checkWriteGrant(req, cls, ctx, policy, s, f);
  }
  const grantIds = {
    ...(f.grantIds.length ? { grantIds: f.grantIds } : {}),
    ...(f.states.length ? { states: f.states } : {}),
    ...(f.procedure ? { procedure: f.procedure } : {}),
  };
  if (f.violations.length === 0) return { action: 'allow', violations: [], ...grantIds };
  const codes = f.violations.map((v) => v.code);
  if (policy.mode === 'monitor') return { action: 'allow', reason: codes[0], violations: codes, ...grantIds };
  if (policy.mode === 'alert') return { action: 'alert', reason: codes[0], violations: codes, ...grantIds };
  return blocked(req, policy, f);
}
