import type { GuardProcedure, GuardProcedureStep } from '@outpost/protocol';
import type { GuardRequest } from '../shared/guard.types.js';
import { ModbusException } from '../modbus/modbus.types.js';
import type { GuardPolicy, SessionContext } from './policy.types.js';
import type { GuardMemoryView } from './guard.memory.js';
import type { StateInputs } from './state-rules.checks.js';
import type { Violation } from './policy-rules.checks.js';
import { writtenAt } from './value-rules.checks.js';
import type { ProcedureStepOutcome } from './procedure.types.js';

// Operation workflows (docs/GUARD-POLICY.md, "Procedures"): an ordered list of steps, each a write
// or operate on one point, started by a grant setting the procedure's state. While it runs, a
// request touching a point one of its steps names passes only as the step next due.

const DNP3_SELECT = 3;

const changes = (cls: GuardRequest['class']) => cls === 'write' || cls === 'control';

// Whether the request writes the step's point (whatever the function or value).
function touches(step: GuardProcedureStep, req: GuardRequest): boolean {
  if (step.protocol && step.protocol !== req.protocol) return false;
  if (step.unit !== undefined && step.unit !== req.unit) return false;
  return req.ranges.some(
    (r) =>
      r.access === 'write' && r.table === step.table && r.start <= step.address && step.address < r.start + r.count,
  );
}

// Whether the request is the step: its function, only its point, and its value when the step names one.
function performs(step: GuardProcedureStep, req: GuardRequest, memory: GuardMemoryView | undefined): boolean {
  if (step.functions && !step.functions.includes(req.fc)) return false;
  const written = req.ranges.filter((r) => r.access === 'write');
  if (req.unattributed?.length || written.length !== 1 || written[0].count !== 1) return false;
  if (step.value === undefined) return true;
  return writtenAt(req, written[0], step.address, memory).value === step.value;
}

function outcomeOf(
  proc: GuardProcedure,
  index: number,
  grant: { id: string; grantedBy: string; reason: string; ticket?: string } | undefined,
): ProcedureStepOutcome {
  return {
    ...(grant ? { id: `${proc.name}:${grant.id}` } : {}),
    procedure: proc.name,
    step: proc.steps[Math.min(index, proc.steps.length - 1)].name,
    index,
    steps: proc.steps.length,
    ...(grant
      ? {
          operator: grant.grantedBy,
          reason: grant.reason,
          grantId: grant.id,
          ...(grant.ticket ? { ticket: grant.ticket } : {}),
        }
      : {}),
    advances: false,
  };
}

function judge(proc: GuardProcedure, req: GuardRequest, ctx: SessionContext, s: StateInputs): ProcedureStepOutcome {
  const grant = s.grants?.stateSetBy(proc.startedBy, ctx.nowMs);
  const progress = grant ? s.memory?.procedureProgress(`${proc.name}:${grant.id}`) : undefined;
  const next = progress?.next ?? 0;
  const o = outcomeOf(proc, next, grant);
  if (!grant) return { ...o, refused: `procedure_not_started:${proc.name}` };
  if (next >= proc.steps.length) return { ...o, refused: `procedure_finished:${proc.name}` };
  const step = proc.steps[next];
  const since = progress?.at ?? grant.notBefore;
  if (step.timeoutMs !== undefined && ctx.nowMs - since > step.timeoutMs)
    return { ...o, refused: `procedure_step_timeout:${proc.name}:${step.name}` };
  if (!performs(step, req, s.memory))
    return { ...o, refused: `procedure_out_of_order:${proc.name}:expected:${step.name}` };
  return { ...o, advances: !(req.protocol === 'dnp3' && req.fc === DNP3_SELECT) };
}

/**
 * The procedure a write or operate belongs to (the first whose steps name a point it writes), and
 * whether it is the step next due; a refusal is added to `out`. Pure: progress is read from memory.
 */
export function checkProcedures(
  req: GuardRequest,
  cls: GuardRequest['class'],
  ctx: SessionContext,
  policy: GuardPolicy,
  s: StateInputs,
  out: Violation[],
): ProcedureStepOutcome | undefined {
  if (!policy.procedures || !changes(cls)) return undefined;
  const proc = policy.procedures.find((p) => p.steps.some((step) => touches(step, req)));
  if (!proc) return undefined;
  const outcome = judge(proc, req, ctx, s);
  if (outcome.refused) out.push({ code: outcome.refused, exception: ModbusException.IllegalFunction });
  return outcome;
}
