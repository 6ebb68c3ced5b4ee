import type { GuardRequest } from '../shared/guard.types.js';
import type { GuardProcedureEvent } from '../events/guard-event.types.js';
import type { Decision, SessionContext } from './policy.types.js';

function outcomeOf(d: Decision): GuardProcedureEvent['outcome'] {
  const p = d.procedure;
  if (!p || p.refused || d.action === 'block') return 'refused';
  if (!p.advances) return 'selected';
  return p.index + 1 === p.steps ? 'completed' : 'step';
}

/** The `guard.procedure` event of a decision that names a procedure step. */
export function procedureEvent(
  req: GuardRequest,
  ctx: SessionContext,
  d: Decision,
  deviceId: string,
  policyVersion: number,
): GuardProcedureEvent {
  const p = d.procedure!;
  const outcome = outcomeOf(d);
  return {
    type: 'guard.procedure',
    ts: ctx.nowMs,
    deviceId,
    protocol: req.protocol,
    master: ctx.master,
    unit: req.unit,
    fc: req.fc,
    procedure: p.procedure,
    ...(p.id ? { procedureId: p.id } : {}),
    step: p.step,
    stepIndex: p.index,
    steps: p.steps,
    outcome,
    ...(p.operator ? { operator: p.operator } : {}),
    ...(p.reason !== undefined ? { reason: p.reason } : {}),
    ...(p.ticket ? { ticket: p.ticket } : {}),
    ...(p.grantId ? { grantId: p.grantId } : {}),
    ...(outcome === 'refused' && d.reason ? { refusal: d.reason } : {}),
    policyVersion,
  };
}
