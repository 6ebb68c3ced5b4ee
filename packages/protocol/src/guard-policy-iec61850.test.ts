import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileValidator } from './validate.js';
import { GuardPolicyInput } from './guard-messages.js';
import { guardPolicyProblem } from './guard-policy-check.js';

// The `iec61850` rules of the policy document: accepted when well formed; errors name the JSON path.

const validator = compileValidator(GuardPolicyInput);
const base = {
  mode: 'enforce',
  allowedClasses: ['read', 'write', 'control'],
  readOnly: false,
  onViolation: 'exception',
  schema: 2,
  states: [{ name: 'hotline_feeder7', from: 'grant' }],
} as const;
const rules = {
  services: ['read', 'write'],
  read: { deny: [{ ref: '*/LPHD1' }] },
  write: { allow: [{ ref: 'F7/*', fc: ['CO', 'SP'] }] },
  stateRules: [{ state: 'hotline_feeder7', effect: 'forbid', objects: [{ ref: 'F7/XCBR*.Pos', fc: ['CO'] }] }],
  controls: [{ objects: [{ ref: '*/CSWI*.Pos' }], sbo: 'required', timeoutMs: 30_000 }],
  values: [{ objects: [{ ref: 'F7/PTOC1.StrVal.setMag' }], min: 100, max: 2000, step: 50 }],
  rateLimits: [{ service: 'getNameList', perSecond: 1, burst: 2 }],
};

function problemOf(iec61850: unknown, over: object = {}) {
  const r = validator.check({ ...base, ...over, iec61850 });
  if (!r.ok) return { path: r.path, message: r.message };
  return guardPolicyProblem(r.value);
}

test('well-formed IEC 61850 rules are accepted', () => {
  assert.equal(problemOf(rules), undefined);
});

const CASES: Array<[string, unknown, string, object?]> = [
  ['an undeclared state', { stateRules: [{ ...rules.stateRules[0], state: 'nope' }] }, '/iec61850/stateRules/0/state'],
  ['max below min', { values: [{ objects: rules.values[0].objects, min: 5, max: 1 }] }, '/iec61850/values/0/max'],
  ['a value rule with no bound', { values: [{ objects: rules.values[0].objects }] }, '/iec61850/values/0'],
  [
    'sbo required without a timeout',
    { controls: [{ objects: [{ ref: 'a/b' }], sbo: 'required' }] },
    '/iec61850/controls/0/timeoutMs',
  ],
  ['an unknown service', { services: ['deleteDomain'] }, '/iec61850/services/0'],
  [
    'an unknown functional constraint',
    { write: { allow: [{ ref: 'F7/*', fc: ['XX'] }] } },
    '/iec61850/write/allow/0/fc/0',
  ],
  ['a reference with a bad character', { read: { allow: [{ ref: 'F7/XCBR1$Pos' }] } }, '/iec61850/read/allow/0/ref'],
  ['an unknown field', { goose: [] }, '/iec61850/goose'],
  ['version 1', rules, '/iec61850', { schema: 1 }],
];

for (const [name, doc, path, over] of CASES) {
  test(`refused with its path: ${name}`, () => {
    assert.equal(problemOf(doc, over)?.path, path);
  });
}
