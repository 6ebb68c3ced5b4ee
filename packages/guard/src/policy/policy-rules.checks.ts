import type { GuardFunctionRef, GuardObjectRef } from '@outpost/protocol';
import type { GuardRequest } from '../shared/guard.types.js';
import { ModbusException } from '../modbus/modbus.types.js';
import type { GuardPolicy, PolicyClass, SessionContext } from './policy.types.js';
import type { GuardMemoryView } from './guard.memory.js';
import { coveredByUnion } from './interval.util.js';

// The checks of the schema 2 rule kinds (docs/GUARD-POLICY.md). Each only adds violations.

export interface Violation {
  code: string;
  exception: number;
}

const matchesFunction = (ref: GuardFunctionRef, req: GuardRequest) =>
  ref.fc === req.fc && (ref.sub === undefined || ref.sub === req.sub);

const functionName = (req: GuardRequest) => (req.sub !== undefined ? `${req.fc}/${req.sub}` : `${req.fc}`);

/**
 * The class a request is judged under. A function code the guard does not know is 'unknown'
 * and never allowed, unless the policy allows that code by number: then it is judged as the
 * class the rule names (control when it names none).
 */
export function effectiveClass(req: GuardRequest, policy: GuardPolicy): GuardRequest['class'] {
  if (req.class !== 'unknown') return req.class;
  const allowed = policy.functions?.[req.protocol]?.allow?.find((r) => matchesFunction(r, req));
  return allowed ? (allowed.as ?? ('control' satisfies PolicyClass)) : req.class;
}

export function checkFunctions(req: GuardRequest, policy: GuardPolicy, out: Violation[]): void {
  const rules = policy.functions?.[req.protocol];
  if (!rules || req.fc < 0) return;
  if (rules.deny?.some((r) => matchesFunction(r, req))) {
    out.push({ code: `function_denied:${functionName(req)}`, exception: ModbusException.IllegalFunction });
  } else if (rules.allow && !rules.allow.some((r) => matchesFunction(r, req))) {
    out.push({ code: `function_not_allowed:${functionName(req)}`, exception: ModbusException.IllegalFunction });
  }
}

const applies = (rule: { masters?: string[]; units?: number[] }, req: GuardRequest, ctx: SessionContext) =>
  (!rule.masters || rule.masters.includes(ctx.master)) && (!rule.units || rule.units.includes(req.unit));

export function checkAccess(req: GuardRequest, ctx: SessionContext, policy: GuardPolicy, out: Violation[]): void {
  const rules = policy.access;
  if (!rules) return;
  if (req.unattributed?.length) {
    out.push({ code: `address_unattributed:${req.unattributed[0]}`, exception: ModbusException.IllegalDataAddress });
    return;
  }
  for (const r of req.ranges) {
    const spans: Array<readonly [number, number]> = [];
    for (const rule of rules) {
      if (!applies(rule, req, ctx)) continue;
      for (const s of rule[r.access] ?? []) if (s.table === r.table) spans.push([s.start, s.end]);
    }
    if (!coveredByUnion(spans, r.start, r.start + r.count - 1)) {
      out.push({
        code: `access_not_allowed:${r.access}:${r.table}:${r.start}+${r.count}`,
        exception: ModbusException.IllegalDataAddress,
      });
      return;
    }
  }
}

const matchesObject = (ref: GuardObjectRef, o: { group: number; variation: number }) =>
  ref.group === o.group && (ref.variation === undefined || ref.variation === o.variation);

export function checkObjects(req: GuardRequest, policy: GuardPolicy, out: Violation[]): void {
  const rules = policy.dnp3Objects;
  if (!rules || req.protocol !== 'dnp3' || !req.objects) return;
  for (const o of req.objects) {
    const name = `g${o.group}v${o.variation}`;
    if (rules.deny?.some((r) => matchesObject(r, o))) {
      out.push({ code: `object_denied:${name}`, exception: ModbusException.IllegalFunction });
      return;
    }
    if (rules.allow && !rules.allow.some((r) => matchesObject(r, o))) {
      out.push({ code: `object_not_allowed:${name}`, exception: ModbusException.IllegalFunction });
      return;
    }
  }
}

export function checkRate(
  req: GuardRequest,
  ctx: SessionContext,
  policy: GuardPolicy,
  memory: GuardMemoryView | undefined,
  out: Violation[],
): void {
  const limits = policy.rateLimits;
  if (!limits || !memory) return;
  for (let i = 0; i < limits.length; i++) {
    const l = limits[i];
    if (!rateApplies(l, req, ctx)) continue;
    if (memory.tokens(i, l, ctx.master, req.fc, ctx.nowMs) < 1) {
      out.push({ code: `rate_limited:${req.protocol}:${req.fc}`, exception: ModbusException.ServerDeviceBusy });
      return;
    }
  }
}

export function rateApplies(
  l: NonNullable<GuardPolicy['rateLimits']>[number],
  req: GuardRequest,
  ctx: SessionContext,
): boolean {
  return (
    (!l.masters || l.masters.includes(ctx.master)) &&
    (!l.protocol || l.protocol === req.protocol) &&
    (l.fc === undefined || l.fc === req.fc)
  );
}
