import type { GuardStateRule } from '@outpost/protocol';
import type { GuardRequest } from '../shared/guard.types.js';
import { ModbusException } from '../modbus/modbus.types.js';
import type { GuardPolicy, SessionContext } from './policy.types.js';
import type { GrantBook } from './grant.book.js';
import type { GuardMemoryView } from './guard.memory.js';
import type { Violation } from './policy-rules.checks.js';

// Named states and what they do to writes and operates; DNP3 SELECT-before-OPERATE.

export interface StateInputs {
  grants: GrantBook | undefined;
  memory: GuardMemoryView | undefined;
}

/** Whether a declared state holds at ctx.nowMs, and the state grant that sets it (grant states). */
export function stateHolds(
  name: string,
  policy: GuardPolicy,
  ctx: SessionContext,
  s: StateInputs,
): { holds: boolean; grantId?: string } {
  const def = policy.states?.find((d) => d.name === name);
  if (!def) return { holds: false };
  if (def.from === 'grant') {
    const g = s.grants?.stateSetBy(name, ctx.nowMs);
    return g ? { holds: true, grantId: g.id } : { holds: false };
  }
  return { holds: s.memory?.lastValue(def.unit, def.table, def.address) === def.equals };
}

const changes = (cls: GuardRequest['class']) => cls === 'write' || cls === 'control';

// Whether a rule names the request: protocol, unit and function, then with a table the written
// addresses (every one inside for `allow`, any for the others).
function ruleMatches(rule: GuardStateRule, req: GuardRequest): boolean {
  if (rule.protocol && rule.protocol !== req.protocol) return false;
  if (rule.units && !rule.units.includes(req.unit)) return false;
  if (rule.functions && !rule.functions.includes(req.fc)) return false;
  if (rule.table === undefined) return true;
  const start = rule.start ?? 0;
  const end = rule.end ?? 0;
  let written = 0;
  let inside = 0;
  for (const r of req.ranges) {
    if (r.access !== 'write') continue;
    written++;
    const last = r.start + r.count - 1;
    const overlaps = r.table === rule.table && r.start <= end && last >= start;
    if (rule.effect !== 'allow' && overlaps) return true;
    if (r.table === rule.table && r.start >= start && last <= end) inside++;
  }
  return rule.effect === 'allow' && written > 0 && inside === written && !req.unattributed?.length;
}

/** `require` and `forbid` rules on a write or operate. */
export function checkStateGates(
  req: GuardRequest,
  cls: GuardRequest['class'],
  ctx: SessionContext,
  policy: GuardPolicy,
  s: StateInputs,
  out: Violation[],
): void {
  const rules = policy.stateRules;
  if (!rules || !changes(cls)) return;
  for (const rule of rules) {
    if (rule.effect === 'allow' || !ruleMatches(rule, req)) continue;
    const { holds } = stateHolds(rule.state, policy, ctx, s);
    if (rule.effect === 'require' && !holds) {
      out.push({ code: `state_required:${rule.state}`, exception: ModbusException.IllegalFunction });
      return;
    }
    if (rule.effect === 'forbid' && holds) {
      out.push({ code: `state_forbids:${rule.state}`, exception: ModbusException.IllegalFunction });
      return;
    }
  }
}

/** The `allow` rule whose state lets this write or operate through without a write grant, if any. */
export function stateAllowance(
  req: GuardRequest,
  ctx: SessionContext,
  policy: GuardPolicy,
  s: StateInputs,
): { state: string; grantId?: string } | undefined {
  for (const rule of policy.stateRules ?? []) {
    if (rule.effect !== 'allow' || !ruleMatches(rule, req)) continue;
    const h = stateHolds(rule.state, policy, ctx, s);
    if (h.holds) return { state: rule.state, ...(h.grantId ? { grantId: h.grantId } : {}) };
  }
  return undefined;
}

export const DNP3_SELECT = 3;
export const DNP3_OPERATE = 4;

function sameBytes(a: Uint8Array, b: Uint8Array | undefined): boolean {
  if (!b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * SELECT-before-OPERATE (IEEE 1815-2012 §4.4.4): an OPERATE passes only when the same master
 * selected the same objects on the same outstation, in the fragment just before (sequence
 * number one less), within the timeout.
 */
export function checkSelectBeforeOperate(
  req: GuardRequest,
  ctx: SessionContext,
  policy: GuardPolicy,
  memory: GuardMemoryView | undefined,
  out: Violation[],
): void {
  const sbo = policy.selectBeforeOperate;
  if (!sbo || req.protocol !== 'dnp3' || req.fc !== DNP3_OPERATE) return;
  const sel = memory?.selection(ctx.master, req.unit);
  let code: string | undefined;
  if (!sel) code = 'operate_without_select';
  else if (ctx.nowMs - sel.at > sbo.timeoutMs) code = 'select_expired';
  else if (!sameBytes(sel.objects, req.objectBytes)) code = 'operate_differs_from_select';
  else if (req.appSeq !== undefined && ((sel.seq + 1) & 0x0f) !== req.appSeq) code = 'operate_out_of_sequence';
  if (code) out.push({ code, exception: ModbusException.IllegalFunction });
}
