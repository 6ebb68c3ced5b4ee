import type { GuardPolicyInput } from './guard-messages.js';
import type { GuardPolicyProblem } from './guard-policy-problem.js';

// What the schema cannot say about the `iec61850` rules: states declared, bounds in order.

function stateRuleProblem(p: GuardPolicyInput): GuardPolicyProblem | undefined {
  const names = (p.states ?? []).map((s) => s.name);
  for (const [i, rule] of (p.iec61850?.stateRules ?? []).entries()) {
    if (!names.includes(rule.state))
      return { path: `/iec61850/stateRules/${i}/state`, message: `state "${rule.state}" is not declared` };
  }
  return undefined;
}

function valueRuleProblem(p: GuardPolicyInput): GuardPolicyProblem | undefined {
  for (const [i, rule] of (p.iec61850?.values ?? []).entries()) {
    const at = `/iec61850/values/${i}`;
    if (rule.min !== undefined && rule.max !== undefined && rule.min > rule.max)
      return { path: `${at}/max`, message: 'max must not be below min' };
    if (rule.min === undefined && rule.max === undefined && rule.step === undefined)
      return { path: at, message: 'a value rule needs min, max or step' };
  }
  return undefined;
}

function controlProblem(p: GuardPolicyInput): GuardPolicyProblem | undefined {
  for (const [i, rule] of (p.iec61850?.controls ?? []).entries()) {
    if (rule.sbo === 'required' && rule.timeoutMs === undefined)
      return { path: `/iec61850/controls/${i}/timeoutMs`, message: 'sbo "required" needs timeoutMs' };
  }
  return undefined;
}

/** The first problem of a policy's `iec61850` rules, or undefined. */
export function iec61850Problem(p: GuardPolicyInput): GuardPolicyProblem | undefined {
  if (!p.iec61850) return undefined;
  return stateRuleProblem(p) ?? valueRuleProblem(p) ?? controlProblem(p);
}
