import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatePolicy } from './policy.engine.js';
import { GrantBook } from './grant.book.js';
import { enforceReadOnly, grant, testKeys } from './policy.fixture.js';
import { dnp3Request, modbusRequest } from './policy-test.helpers.js';
import { apdu } from '../dnp3/dnp3.fixture.js';

// Read-only means what an operator means: reads and routine session maintenance pass with
// only `read` allowed; operates, set-points, restarts, file and virtual-terminal operations
// and writes to data points need the policy and a grant, whatever the allowed classes.

const ctx = { master: '10.0.0.5', nowMs: 2_000 };
const readsOnly = enforceReadOnly({ allowedClasses: ['read'], onViolation: 'drop' });
const withControl = enforceReadOnly({ allowedClasses: ['read', 'write', 'control'], onViolation: 'drop' });
const keys = testKeys();

// A DNP3 master's start-up (IEEE 1815-2012 §5.1 and the usual master sequence).
const startUp: Array<[string, number[]]> = [
  ['DISABLE_UNSOLICITED classes 1-3', [0xc0, 21, 60, 2, 6, 60, 3, 6, 60, 4, 6]],
  ['WRITE g80v1 index 7 = 0 (clear DEVICE_RESTART)', apdu.clearRestart(1)],
  ['DELAY_MEASURE', [0xc2, 23]],
  ['WRITE g50v1 (time sync)', apdu.writeTime(3)],
  ['RECORD_CURRENT_TIME', [0xc4, 24]],
  ['WRITE g50v3 last recorded time', [0xc5, 2, 50, 3, 0x07, 1, 1, 2, 3, 4, 5, 6]],
  ['ENABLE_UNSOLICITED classes 1-3', [0xc6, 20, 60, 2, 6, 60, 3, 6, 60, 4, 6]],
  ['integrity poll (READ class 1,2,3,0)', apdu.readClasses(7)],
  ['READ class 1 events', [0xc8, 1, 60, 2, 6]],
  ['READ analogs 0..9', apdu.readAnalogs(9, 0, 9)],
  ['CONFIRM', [0xca, 0]],
];

for (const [name, fragment] of startUp) {
  test(`start-up under read-only with only read allowed: ${name} passes`, () => {
    const d = evaluatePolicy(dnp3Request(fragment), ctx, readsOnly);
    assert.deepEqual([d.action, d.violations], ['allow', []]);
  });
}

const gated: Array<[string, number[]]> = [
  ['DIRECT_OPERATE of a CROB', apdu.directOperate(1, 17)],
  ['SELECT of a CROB', [0xc1, 3, ...apdu.directOperate(1, 17).slice(2)]],
  ['OPERATE of a CROB', [0xc1, 4, ...apdu.directOperate(1, 17).slice(2)]],
  ['DIRECT_OPERATE_NR of a g41v2 set-point', [0xc1, 6, 41, 2, 0x28, 1, 0, 3, 0, 0x10, 0x27, 0]],
  ['COLD_RESTART', apdu.coldRestart(1)],
  ['WARM_RESTART', [0xc1, 14]],
  ['WRITE g10 output (a data point)', [0xc1, 2, 10, 1, 0x00, 2, 2, 0x81]],
  ['WRITE g112 virtual terminal output', [0xc1, 2, 112, 3, 0x17, 1, 0, 0x41, 0x42, 0x43]],
  ['DELETE_FILE', [0xc1, 27, 70, 3, 0x5b, 1, 0, 0]],
  ['IMMEDIATE_FREEZE counters', [0xc1, 7, 20, 0, 6]],
];

for (const [name, fragment] of gated) {
  test(`under read-only with control allowed: ${name} is blocked without a grant`, () => {
    const d = evaluatePolicy(dnp3Request(fragment), ctx, withControl);
    assert.equal(d.action, 'block');
    assert.equal(d.reason, 'ungranted_write');
  });
}

test('a grant on the operated point lets exactly that DIRECT_OPERATE through', () => {
  const book = new GrantBook([grant(keys, { unit: 4, table: 'coil', start: 17, end: 17 })], keys.publicKey, 'plc-1');
  const ok = evaluatePolicy(dnp3Request(apdu.directOperate(1, 17)), ctx, withControl, book);
  assert.deepEqual([ok.action, ok.grantIds], ['allow', ['g-1']]);
  assert.equal(evaluatePolicy(dnp3Request(apdu.directOperate(1, 18)), ctx, withControl, book).action, 'block');
  // A restart names no point and is never granted.
  assert.equal(evaluatePolicy(dnp3Request(apdu.coldRestart(2)), ctx, withControl, book).action, 'block');
});

test('Modbus FC 8 sub-functions 1 (restart) and 4 (listen only) are gated under read-only', () => {
  for (const sub of [1, 4]) {
    const d = evaluatePolicy(modbusRequest([8, 0, sub, 0, 0]), ctx, withControl);
    assert.deepEqual([d.action, d.reason], ['block', 'ungranted_write'], `sub-function ${sub}`);
  }
  // Return Query Data (echo) only reads.
  assert.equal(evaluatePolicy(modbusRequest([8, 0, 0, 0xa5, 0x37]), ctx, readsOnly).action, 'allow');
});

test('without read-only, operates follow the allowed classes only', () => {
  const open = { ...withControl, readOnly: false };
  assert.equal(evaluatePolicy(dnp3Request(apdu.directOperate(1, 17)), ctx, open).action, 'allow');
  const noControl = { ...open, allowedClasses: ['read' as const] };
  assert.equal(
    evaluatePolicy(dnp3Request(apdu.directOperate(1, 17)), ctx, noControl).reason,
    'class_not_allowed:control',
  );
  // The start-up still passes with control refused.
  for (const [, fragment] of startUp)
    assert.equal(evaluatePolicy(dnp3Request(fragment), ctx, noControl).action, 'allow');
});
