import type { GuardPolicyInput } from './guard-messages.js';
import { GUARD_POLICY_SCHEMA, GUARD_POLICY_V2_FIELDS } from './guard-policy-rules.js';
import { identifyProblem } from './guard-identify.js';
import { iec61850Problem } from './guard-policy-iec61850-check.js';
import type { GuardPolicyProblem } from './guard-policy-problem.js';

// What the schema cannot say about a policy: ordered bounds, duplicates, fields that need
// version 2. Each problem names the JSON path (RFC 6901) of the value at fault.

export type { GuardPolicyProblem } from './guard-policy-problem.js';

type Span = { start: number; end: number };

function spanProblem(spans: readonly Span[] | undefined, at: string): GuardPolicyProblem | undefined {
  const i = spans?.findIndex((r) => r.start > r.end) ?? -1;
  return i >= 0 ? { path: `${at}/${i}/end`, message: 'a range must start at or before its end' } : undefined;
}

function duplicateClass(p: GuardPolicyInput): GuardPolicyProblem | undefined {
  const i = p.allowedClasses.findIndex((c, k) => p.allowedClasses.indexOf(c) !== k);
  return i >= 0
    ? { path: `/allowedClasses/${i}`, message: `class "${p.allowedClasses[i]}" is listed twice` }
    : undefined;
}

function versionProblem(p: GuardPolicyInput): GuardPolicyProblem | undefined {
  if (p.schema === GUARD_POLICY_SCHEMA) return undefined;
  const field = GUARD_POLICY_V2_FIELDS.find((f) => p[f] !== undefined);
  return field ? { path: `/${field}`, message: `"${field}" needs "schema": ${GUARD_POLICY_SCHEMA}` } : undefined;
}

function accessProblem(p: GuardPolicyInput): GuardPolicyProblem | undefined {
  for (const [i, rule] of (p.access ?? []).entries()) {
    const bad = spanProblem(rule.read, `/access/${i}/read`) ?? spanProblem(rule.write, `/access/${i}/write`);
    if (bad) return bad;
  }
  return undefined;
}

const CROB_FIELDS = ['crobCodes', 'maxCount', 'maxOnMs', 'maxOffMs'] as const;

function valueProblem(p: GuardPolicyInput): GuardPolicyProblem | undefined {
  for (const [i, rule] of (p.values ?? []).entries()) {
    const at = `/values/${i}`;
    if (rule.start > rule.end) return { path: `${at}/end`, message: 'a range must start at or before its end' };
    if (rule.min !== undefined && rule.max !== undefined && rule.min > rule.max)
      return { path: `${at}/max`, message: 'max must not be below min' };
    const crob = CROB_FIELDS.find((f) => rule[f] !== undefined);
    if (crob && rule.table !== 'coil') return { path: `${at}/${crob}`, message: `"${crob}" applies to coils only` };
    if (rule.min === undefined && rule.max === undefined && !rule.allowed && rule.maxStep === undefined && !crob)
      return { path: at, message: 'a value rule needs min, max, allowed, maxStep or a CROB limit' };
  }
  return undefined;
}

function stateProblem(p: GuardPolicyInput): GuardPolicyProblem | undefined {
  const names = (p.states ?? []).map((s) => s.name);
  const twice = names.findIndex((n, i) => names.indexOf(n) !== i);
  if (twice >= 0) return { path: `/states/${twice}/name`, message: `state "${names[twice]}" is declared twice` };
  for (const [i, rule] of (p.stateRules ?? []).entries()) {
    const at = `/stateRules/${i}`;
    if (!names.includes(rule.state)) return { path: `${at}/state`, message: `state "${rule.state}" is not declared` };
    if (rule.table === undefined && !rule.functions)
      return { path: at, message: 'a state rule needs functions or a table' };
    if (rule.table !== undefined && (rule.start === undefined || rule.end === undefined))
      return { path: `${at}/${rule.start === undefined ? 'start' : 'end'}`, message: 'a table needs start and end' };
    if (rule.table === undefined && (rule.start !== undefined || rule.end !== undefined))
      return { path: `${at}/table`, message: 'start and end need a table' };
    if (rule.start !== undefined && rule.end !== undefined && rule.start > rule.end)
      return { path: `${at}/end`, message: 'a range must start at or before its end' };
  }
  return undefined;
}

function stepProblem(steps: readonly { name: string }[], at: string): GuardPolicyProblem | undefined {
  const names = steps.map((s) => s.name);
  const twice = names.findIndex((n, i) => names.indexOf(n) !== i);
  return twice >= 0
    ? { path: `${at}/steps/${twice}/name`, message: `step "${names[twice]}" is listed twice` }
    : undefined;
}

function procedureProblem(p: GuardPolicyInput): GuardPolicyProblem | undefined {
  const names = (p.procedures ?? []).map((x) => x.name);
  for (const [i, proc] of (p.procedures ?? []).entries()) {
    const at = `/procedures/${i}`;
    if (names.indexOf(proc.name) !== i)
      return { path: `${at}/name`, message: `procedure "${proc.name}" is declared twice` };
    const state = p.states?.find((s) => s.name === proc.startedBy);
    if (!state) return { path: `${at}/startedBy`, message: `state "${proc.startedBy}" is not declared` };
    if (state.from !== 'grant')
      return { path: `${at}/startedBy`, message: `state "${proc.startedBy}" is not set by a grant` };
    const bad = stepProblem(proc.steps, at);
    if (bad) return bad;
  }
  return undefined;
}

/** The first problem of a policy that passed its schema, or undefined when it has none. */
export function guardPolicyProblem(p: GuardPolicyInput): GuardPolicyProblem | undefined {
  return (
    versionProblem(p) ??
    duplicateClass(p) ??
    spanProblem(p.addressRanges, '/addressRanges') ??
    accessProblem(p) ??
    valueProblem(p) ??
    stateProblem(p) ??
    procedureProblem(p) ??
    identifyProblem(p.identify) ??
    iec61850Problem(p)
  );
}

/** A policy in the current language version: a version 1 document means the same under version 2. */
export function upgradeGuardPolicy<P extends GuardPolicyInput>(p: P): P & { schema: typeof GUARD_POLICY_SCHEMA } {
  return { ...p, schema: GUARD_POLICY_SCHEMA };
}
