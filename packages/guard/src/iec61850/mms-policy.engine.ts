import { GUARD_MMS_SERVICES, type GuardMmsRules, type GuardRateLimit } from '@outpost/protocol';
import type { Decision, GuardPolicy, SessionContext } from '../policy/policy.types.js';
import { stateHolds, type StateInputs } from '../policy/state-rules.checks.js';
import type { GrantBook } from '../policy/grant.book.js';
import type { MmsValue } from './mms-data.decoder.js';
import { anyOverlaps, anyWithin, refText, type MmsReference } from './mms-reference.js';
import type { MmsRequest } from './mms-request.js';
import type { MmsMemoryView } from './mms-policy.memory.js';
import { MMS_ACCESS_ERROR } from './mms-error.builder.js';

// The policy decision for one MMS confirmed request (the `iec61850` rules of the policy, with the
// policy's mode, allowed masters, allowed classes, readOnly and states). Pure: the memory is read,
// never changed (MmsGuard records the request afterwards). The checks, in order: master, rate,
// service, class, objects, state gates on control and setting writes, select-before-operate,
// written values. Every violation is collected; the first is the reason.

const DEFAULT_GATED = ['CO', 'SP', 'SG', 'SE'];
const SERVICES_WITH_OBJECTS = new Set(['read', 'write', 'getVariableAccessAttributes']);

/** A CO reference "LD/LN.DO.op[.attr]": the controlled object "LD/LN.DO" and the operation (`Oper`, `SBOw`, `Cancel`). */
export function controlPart(r: MmsReference): { control: string; op: string } | undefined {
  if (r.fc !== 'CO') return undefined;
  const parts = r.ref.split('.');
  if (parts.length < 3) return undefined;
  return { control: parts.slice(0, 2).join('.'), op: parts[2] };
}

/** A write to a CO object counts as a control; other writes as writes. */
export function mmsClass(req: MmsRequest): MmsRequest['class'] {
  if (req.service === 'write' && req.objects.some((o) => o.fc === 'CO')) return 'control';
  return req.class;
}

function checkRates(req: MmsRequest, ctx: SessionContext, rules: GuardMmsRules, m: MmsMemoryView, out: string[]) {
  for (const [i, r] of (rules.rateLimits ?? []).entries()) {
    if (r.service && r.service !== req.service) continue;
    const limit: GuardRateLimit = { perSecond: r.perSecond, burst: r.burst };
    if (m.rates.tokens(i, limit, ctx.master, req.serviceTag, ctx.nowMs) < 1) {
      out.push(`rate_limited:${req.service}`);
      return;
    }
  }
}

function checkObjects(req: MmsRequest, rules: GuardMmsRules, out: string[]): void {
  if (!SERVICES_WITH_OBJECTS.has(req.service)) return;
  const list = req.service === 'write' ? rules.write : rules.read;
  if (!list) return;
  for (const [i, r] of req.objects.entries()) {
    if (r.unnamed && (list.allow || list.deny)) return void out.push(`mms_object_unattributed:${req.names[i]}`);
    if (anyOverlaps(list.deny, r)) return void out.push(`mms_object_denied:${refText(r)}`);
    if (list.allow && !anyWithin(list.allow, r)) return void out.push(`mms_object_not_allowed:${refText(r)}`);
  }
}

interface Allowance {
  states: string[];
  grantIds: string[];
}

// Writes to gated objects (CO, SP, SG, SE; every write under readOnly): `forbid` and `require`
// rules on any of them, then an `allow` rule whose state holds must name every one.
function checkGates(
  req: MmsRequest,
  ctx: SessionContext,
  policy: GuardPolicy,
  grants: GrantBook | undefined,
  out: string[],
  a: Allowance,
): void {
  if (req.service !== 'write') return;
  const rules = policy.iec61850 ?? {};
  const gated = (rules.gatedFcs as string[] | undefined) ?? DEFAULT_GATED;
  const objects = req.objects.filter((o) => policy.readOnly || o.unnamed || !o.fc || gated.includes(o.fc));
  if (objects.length === 0) return;
  const s: StateInputs = { grants, memory: undefined };
  const holds = (state: string) => stateHolds(state, policy, ctx, s);
  for (const rule of rules.stateRules ?? []) {
    if (rule.effect === 'allow' || !objects.some((o) => anyOverlaps(rule.objects, o))) continue;
    const h = holds(rule.state).holds;
    if (rule.effect === 'forbid' && h) return void out.push(`state_forbids:${rule.state}`);
    if (rule.effect === 'require' && !h) return void out.push(`state_required:${rule.state}`);
  }
  for (const o of objects) {
    const by = (rules.stateRules ?? []).find(
      (rule) => rule.effect === 'allow' && anyWithin(rule.objects, o) && holds(rule.state).holds,
    );
    if (!by) return void out.push(`ungranted_write:${refText(o)}`);
    if (!a.states.includes(by.state)) a.states.push(by.state);
    const g = holds(by.state).grantId;
    if (g && !a.grantIds.includes(g)) a.grantIds.push(g);
  }
}

function checkSelect(req: MmsRequest, ctx: SessionContext, rules: GuardMmsRules, m: MmsMemoryView, out: string[]) {
  if (req.service !== 'write') return;
  for (const o of req.objects) {
    const c = controlPart(o);
    if (!c || c.op !== 'Oper') continue;
    const rule = rules.controls?.find((r) => r.sbo === 'required' && anyWithin(r.objects, o));
    if (!rule) continue;
    const at = m.selectedAt(ctx.master, c.control);
    if (at === undefined) return void out.push(`operate_without_select:${c.control}`);
    if (ctx.nowMs - at > (rule.timeoutMs ?? 0)) return void out.push(`select_expired:${c.control}`);
  }
}

// The number a written value carries: itself when simple, the ctlVal (first component) of an
// Oper or SBOw structure; undefined when it is neither.
function numberOf(v: MmsValue | undefined, r: MmsReference): number | undefined {
  const op = controlPart(r)?.op;
  const simple = v?.type === 'structure' && (op === 'Oper' || op === 'SBOw') ? v.items[0] : v;
  if (!simple) return undefined;
  if (simple.type === 'integer' || simple.type === 'unsigned' || simple.type === 'float') return simple.value;
  if (simple.type === 'boolean') return simple.value ? 1 : 0;
  return undefined;
}

function checkValues(req: MmsRequest, rules: GuardMmsRules, out: string[]): void {
  if (req.service !== 'write' || !rules.values) return;
  for (const [i, o] of req.objects.entries()) {
    for (const rule of rules.values) {
      if (!anyWithin(rule.objects, o)) continue;
      const v = numberOf(req.written?.[i], o);
      const at = refText(o);
      if (v === undefined || !Number.isFinite(v)) return void out.push(`value_not_simple:${at}`);
      if (rule.min !== undefined && v < rule.min) return void out.push(`value_below_min:${at}`);
      if (rule.max !== undefined && v > rule.max) return void out.push(`value_above_max:${at}`);
      if (rule.step !== undefined) {
        const steps = (v - (rule.min ?? 0)) / rule.step;
        if (Math.abs(steps - Math.round(steps)) > 1e-9) return void out.push(`value_off_step:${at}`);
      }
    }
  }
}

/** Decides one MMS confirmed request. Requests with no `iec61850` rules are judged by the policy's mode, masters and classes only. */
export function evaluateMmsPolicy(
  req: MmsRequest,
  ctx: SessionContext,
  policy: GuardPolicy,
  grants: GrantBook | undefined,
  memory: MmsMemoryView,
): Decision {
  const rules = policy.iec61850 ?? {};
  const out: string[] = [];
  const allowance: Allowance = { states: [], grantIds: [] };
  if (policy.allowedMasters && !policy.allowedMasters.includes(ctx.master)) out.push('master_not_allowed');
  checkRates(req, ctx, rules, memory, out);
  const services: readonly string[] = rules.services ?? GUARD_MMS_SERVICES;
  if (!services.includes(req.service)) out.push(`mms_service_not_allowed:${req.service}`);
  const cls = mmsClass(req);
  if (cls !== 'read' && cls !== 'write' && cls !== 'control') out.push(`class_not_allowed:${cls}`);
  else if (!policy.allowedClasses.includes(cls)) out.push(`class_not_allowed:${cls}`);
  checkObjects(req, rules, out);
  checkGates(req, ctx, policy, grants, out, allowance);
  checkSelect(req, ctx, rules, memory, out);
  checkValues(req, rules, out);
  const extra = {
    ...(allowance.grantIds.length ? { grantIds: allowance.grantIds } : {}),
    ...(allowance.states.length ? { states: allowance.states } : {}),
  };
  if (out.length === 0) return { action: 'allow', violations: [], ...extra };
  if (policy.mode === 'monitor') return { action: 'allow', reason: out[0], violations: out, ...extra };
  if (policy.mode === 'alert') return { action: 'alert', reason: out[0], violations: out, ...extra };
  // Answered with an MMS ConfirmedErrorPDU, error class access, this code (mms-error.builder.ts).
  return { action: 'block', reason: out[0], violations: out, exceptionCode: MMS_ACCESS_ERROR.objectAccessDenied };
}
