// A problem found in a guard policy beyond what its schema can say (guard-policy-check.ts and the
// IEC 61850 checks in guard-policy-iec61850-check.ts): the JSON path (RFC 6901) of the value at
// fault and what is wrong with it.

export interface GuardPolicyProblem {
  path: string;
  message: string;
}
