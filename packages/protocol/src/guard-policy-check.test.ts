import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileValidator } from './validate.js';
import { GuardPolicyInput } from './guard-messages.js';
import { guardPolicyProblem, upgradeGuardPolicy } from './guard-policy-check.js';

// The policy document, schema version 2: version 1 documents still validate and upgrade; errors
// name the JSON path of the value at fault.

const validator = compileValidator(GuardPolicyInput);
const v1 = { mode: 'enforce', allowedClasses: ['read'], readOnly: true, onViolation: 'exception' } as const;

function problemOf(doc: unknown) {
  const r = validator.check(doc);
  if (!r.ok) return { path: r.path, message: r.message };
  return guardPolicyProblem(r.value);
}

test('a version 1 document is accepted and upgraded to version 2 with the same meaning', () => {
  const r = validator.check(v1);
  assert.ok(r.ok);
  assert.equal(guardPolicyProblem(r.value), undefined);
  assert.deepEqual(upgradeGuardPolicy(r.value), { ...v1, schema: 2 });
  assert.ok(validator.check({ ...v1, schema: 1 }).ok);
});

test('a version 2 document with every rule kind is accepted', () => {
  const doc = {
    ...v1,
    schema: 2,
    functions: { modbus: { allow: [{ fc: 3 }, { fc: 90, as: 'read' }], deny: [{ fc: 8, sub: 4 }] } },
    access: [{ masters: ['10.0.0.5'], units: [1], read: [{ table: 'holding', start: 0, end: 9 }] }],
    values: [
      { table: 'holding', start: 0, end: 9, min: 0, max: 500, maxStep: 50 },
      { table: 'coil', start: 0, end: 3, crobCodes: ['trip_pulse_on', 'close_pulse_on'], maxCount: 1, maxOnMs: 1000 },
    ],
    dnp3Objects: { deny: [{ group: 70 }, { group: 112 }, { group: 120 }] },
    rateLimits: [{ protocol: 'modbus', fc: 3, perSecond: 10, burst: 20 }],
    responses: { modbusExceptions: [4], dnp3Iin: ['device_restart', 'config_corrupt'] },
  };
  assert.equal(problemOf(doc), undefined);
});

const states = [{ name: 'sw', from: 'grant' }];
const proc = {
  name: 'isolate',
  startedBy: 'sw',
  steps: [
    { name: 'open', table: 'coil', address: 10, value: 0 },
    { name: 'close', table: 'coil', address: 10, value: 1, timeoutMs: 60_000 },
  ],
};

test('a procedure started by a grant state is accepted', () => {
  assert.equal(problemOf({ ...v1, schema: 2, states, procedures: [proc] }), undefined);
});

test('errors carry the JSON path of the value at fault', () => {
  const cases: Array<[unknown, string]> = [
    [{ ...v1, functions: { modbus: { allow: [{ fc: 3 }] } } }, '/functions'],
    [{ ...v1, schema: 2, functions: { modbus: { allow: [{ fc: 300 }] } } }, '/functions/modbus/allow/0/fc'],
    [{ ...v1, schema: 2, access: [{ write: [{ table: 'holding', start: 9, end: 1 }] }] }, '/access/0/write/0/end'],
    [{ ...v1, schema: 2, values: [{ table: 'holding', start: 0, end: 1, min: 5, max: 1 }] }, '/values/0/max'],
    [{ ...v1, schema: 2, values: [{ table: 'input', start: 0, end: 1, max: 1 }] }, '/values/0/table'],
    [{ ...v1, schema: 2, values: [{ table: 'holding', start: 0, end: 1 }] }, '/values/0'],
    [{ ...v1, schema: 2, values: [{ table: 'holding', start: 0, end: 1, maxCount: 1 }] }, '/values/0/maxCount'],
    [
      { ...v1, schema: 2, values: [{ table: 'coil', start: 0, end: 1, crobCodes: ['pulse'] }] },
      '/values/0/crobCodes/0',
    ],
    [{ ...v1, schema: 2, rateLimits: [{ perSecond: 0, burst: 1 }] }, '/rateLimits/0/perSecond'],
    [{ ...v1, schema: 2, responses: { dnp3Iin: ['restarted'] } }, '/responses/dnp3Iin/0'],
    [{ ...v1, schema: 3 }, '/schema'],
    [{ ...v1, procedures: [proc] }, '/procedures'],
    [{ ...v1, schema: 2, procedures: [proc] }, '/procedures/0/startedBy'],
    [
      {
        ...v1,
        schema: 2,
        states: [{ name: 'sw', from: 'value', unit: 1, table: 'coil', address: 1, equals: 1 }],
        procedures: [proc],
      },
      '/procedures/0/startedBy',
    ],
    [
      { ...v1, schema: 2, states, procedures: [{ ...proc, steps: [proc.steps[0], proc.steps[0]] }] },
      '/procedures/0/steps/1/name',
    ],
    [{ ...v1, schema: 2, states, procedures: [proc, proc] }, '/procedures/1/name'],
    [
      { ...v1, schema: 2, states, procedures: [{ ...proc, steps: [{ ...proc.steps[0], table: 'input' }] }] },
      '/procedures/0/steps/0/table',
    ],
    [{ ...v1, schema: 2, states, procedures: [{ ...proc, steps: [] }] }, '/procedures/0/steps'],
    [{ ...v1, allowedClasses: ['read', 'read'] }, '/allowedClasses/1'],
  ];
  for (const [doc, path] of cases) assert.equal(problemOf(doc)?.path, path, JSON.stringify(doc));
  assert.match(problemOf(cases[0][0])?.message ?? '', /needs "schema": 2/);
});

test('identify: off unless enabled, valid in version 1 and 2, bad settings named by path', () => {
  assert.equal(problemOf({ ...v1, identify: { enabled: false } }), undefined);
  assert.equal(
    problemOf({
      ...v1,
      identify: { enabled: true, unitIds: [1, 2], outstations: [10], intervalS: 3600, timeoutMs: 2000 },
    }),
    undefined,
  );
  const cases: Array<[unknown, string, RegExp]> = [
    [{ ...v1, identify: { unitIds: [1] } }, '/identify/enabled', /enabled/],
    [{ ...v1, identify: { enabled: true, unitIds: [1, 2, 1] } }, '/identify/unitIds/2', /1 is listed twice/],
    [{ ...v1, identify: { enabled: true, unitIds: [256] } }, '/identify/unitIds/0', /./],
    [{ ...v1, identify: { enabled: true, outstations: [10, 10] } }, '/identify/outstations/1', /listed twice/],
    [{ ...v1, identify: { enabled: true, intervalS: 59 } }, '/identify/intervalS', /./],
    [{ ...v1, identify: { enabled: true, timeoutMs: 50 } }, '/identify/timeoutMs', /./],
    [{ ...v1, identify: { enabled: true, outstations: [3], masterAddress: 3 } }, '/identify/masterAddress', /also/],
    [{ ...v1, identify: { enabled: true, every: 5 } }, '/identify', /./],
  ];
  for (const [doc, path, message] of cases) {
    const p = problemOf(doc);
    assert.equal(p?.path?.startsWith(path), true, `${JSON.stringify(doc)} gave ${JSON.stringify(p)}`);
    assert.match(p?.message ?? '', message);
  }
});
