import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatePolicy } from './policy.engine.js';
import { GrantBook } from './grant.book.js';
import { enforceReadOnly, grant, testKeys } from './policy.fixture.js';
import { dnp3Request, modbusRequest } from './policy-test.helpers.js';
import { apdu } from '../dnp3/dnp3.fixture.js';
import { req } from '../modbus/modbus.fixture.js';
import type { GuardPolicy } from './policy.types.js';

// Schema 2 rule kinds decided by the pure policy function: function codes and sub-functions,
// proprietary codes, read and write address sets per unit and master, value bounds and sets,
// DNP3 objects. (Rules that depend on memory: policy-memory.test.ts.)

const ctx = { master: '10.0.0.5', nowMs: 2_000 };
const keys = testKeys();
const open = (over: Partial<GuardPolicy> = {}): GuardPolicy =>
  enforceReadOnly({ readOnly: false, allowedClasses: ['read', 'write', 'control'], schema: 2, ...over });

test('functions: allow FC 3 but not FC 4; the refusal names the code and answers ILLEGAL FUNCTION', () => {
  const p = open({ functions: { modbus: { allow: [{ fc: 3 }, { fc: 6 }] } } });
  assert.equal(evaluatePolicy(modbusRequest(req.read(3, 0, 2)), ctx, p).action, 'allow');
  const d = evaluatePolicy(modbusRequest(req.read(4, 0, 2)), ctx, p);
  assert.deepEqual([d.action, d.reason, d.exceptionCode], ['block', 'function_not_allowed:4', 1]);
  // DNP3 has its own list: a Modbus list does not touch it.
  assert.equal(evaluatePolicy(dnp3Request(apdu.readClasses(1)), ctx, p).action, 'allow');
});

test('functions: deny FC 8 sub-function 4 (force listen only) while other diagnostics pass', () => {
  const p = open({ functions: { modbus: { deny: [{ fc: 8, sub: 4 }] } } });
  const d = evaluatePolicy(modbusRequest(req.diagnostics(4, 0)), ctx, p);
  assert.deepEqual([d.action, d.reason], ['block', 'function_denied:8/4']);
  assert.equal(evaluatePolicy(modbusRequest(req.diagnostics(0, 0xa537)), ctx, p).action, 'allow');
  // Deny wins over allow.
  const both = open({ functions: { modbus: { allow: [{ fc: 8 }], deny: [{ fc: 8, sub: 4 }] } } });
  assert.equal(evaluatePolicy(modbusRequest(req.diagnostics(4, 0)), ctx, both).reason, 'function_denied:8/4');
});

test('functions: a proprietary code (UMAS 90) passes only where allowed by number, judged as its class', () => {
  const umas = modbusRequest([90, 0, 2]);
  assert.equal(evaluatePolicy(umas, ctx, open()).reason, 'class_not_allowed:unknown');
  const asRead = open({
    allowedClasses: ['read'],
    functions: { modbus: { allow: [{ fc: 3 }, { fc: 90, as: 'read' }] } },
  });
  assert.equal(evaluatePolicy(umas, ctx, asRead).action, 'allow');
  // Without `as` it is control: refused where control is not allowed, and under read-only never granted.
  const asControl = open({ allowedClasses: ['read'], functions: { modbus: { allow: [{ fc: 90 }] } } });
  assert.equal(evaluatePolicy(umas, ctx, asControl).reason, 'class_not_allowed:control');
  const readOnly = open({ readOnly: true, functions: { modbus: { allow: [{ fc: 90 }] } } });
  assert.equal(evaluatePolicy(umas, ctx, readOnly).reason, 'ungranted_write');
  // Another unknown code stays refused.
  assert.equal(evaluatePolicy(modbusRequest([91, 0]), ctx, asRead).action, 'block');
});

test('access: master A reads, master B writes under a grant, per unit', () => {
  const A = '10.0.0.5';
  const B = '10.0.0.6';
  const p = open({
    readOnly: true,
    access: [
      { masters: [A], units: [1], read: [{ table: 'holding', start: 0, end: 99 }] },
      { masters: [B], units: [1], write: [{ table: 'holding', start: 10, end: 19 }] },
    ],
  });
  const book = new GrantBook([grant(keys, { start: 10, end: 19 })], keys.publicKey, 'plc-1');
  const at = (master: string) => ({ master, nowMs: 2_000 });
  assert.equal(evaluatePolicy(modbusRequest(req.read(3, 0, 10)), at(A), p, book).action, 'allow');
  assert.equal(
    evaluatePolicy(modbusRequest(req.writeRegister(12, 5)), at(A), p, book).reason,
    'access_not_allowed:write:holding:12+1',
  );
  assert.equal(
    evaluatePolicy(modbusRequest(req.read(3, 0, 10)), at(B), p, book).reason,
    'access_not_allowed:read:holding:0+10',
  );
  const w = evaluatePolicy(modbusRequest(req.writeRegister(12, 5)), at(B), p, book);
  assert.deepEqual([w.action, w.grantIds], ['allow', ['g-1']]);
  // The grant is still needed: the access rule alone does not lift read-only.
  assert.equal(evaluatePolicy(modbusRequest(req.writeRegister(12, 5)), at(B), p).reason, 'ungranted_write');
  // Another unit: no rule applies, nothing passes.
  const d = evaluatePolicy(modbusRequest(req.read(3, 0, 10), 2), at(A), p, book);
  assert.deepEqual([d.reason, d.exceptionCode], ['access_not_allowed:read:holding:0+10', 2]);
});

test('values: a write above the limit is refused with ILLEGAL DATA VALUE, the same write within passes', () => {
  const p = open({ values: [{ table: 'holding', start: 0, end: 9, min: 10, max: 500 }] });
  const over = evaluatePolicy(modbusRequest(req.writeRegister(3, 501)), ctx, p);
  assert.deepEqual([over.action, over.reason, over.exceptionCode], ['block', 'value_above_max:holding:3', 3]);
  assert.deepEqual([...(over.response ?? [])], [0, 0x42, 0, 0, 0, 3, 1, 0x86, 0x03]);
  assert.equal(evaluatePolicy(modbusRequest(req.writeRegister(3, 500)), ctx, p).action, 'allow');
  assert.equal(evaluatePolicy(modbusRequest(req.writeRegister(3, 9)), ctx, p).reason, 'value_below_min:holding:3');
  // Multiple registers: each value checked at its own address; outside the rule nothing is.
  const many = evaluatePolicy(modbusRequest(req.writeRegisters(8, [100, 900, 7000])), ctx, p);
  assert.equal(many.reason, 'value_above_max:holding:9');
  assert.equal(evaluatePolicy(modbusRequest(req.writeRegisters(10, [7000])), ctx, p).action, 'allow');
  // FC 23 checks its written values only.
  assert.equal(
    evaluatePolicy(modbusRequest(req.readWrite(0, 2, 5, [600])), ctx, p).reason,
    'value_above_max:holding:5',
  );
});

test('values: an allowed set on coils and registers, per unit', () => {
  const p = open({
    values: [
      { table: 'holding', start: 20, end: 20, allowed: [0, 1, 5] },
      { units: [2], table: 'coil', start: 0, end: 7, allowed: [0] },
    ],
  });
  assert.equal(evaluatePolicy(modbusRequest(req.writeRegister(20, 5)), ctx, p).action, 'allow');
  assert.equal(evaluatePolicy(modbusRequest(req.writeRegister(20, 4)), ctx, p).reason, 'value_not_allowed:holding:20');
  assert.equal(evaluatePolicy(modbusRequest(req.writeCoil(3, true), 1), ctx, p).action, 'allow');
  assert.equal(evaluatePolicy(modbusRequest(req.writeCoil(3, true), 2), ctx, p).reason, 'value_not_allowed:coil:3');
  assert.equal(
    evaluatePolicy(modbusRequest(req.writeCoils(0, [0, 0, 1]), 2), ctx, p).reason,
    'value_not_allowed:coil:2',
  );
});

test('values: a value the guard cannot know is refused where a rule covers it (mask write unread, DNP3 output)', () => {
  const p = open({ values: [{ table: 'holding', start: 0, end: 9, max: 100 }] });
  assert.equal(
    evaluatePolicy(modbusRequest(req.maskWrite(4, 0xff00, 0x0001)), ctx, p).reason,
    'value_unknown:holding:4',
  );
  // A g41v2 set-point is decoded (10000 on point 3); an analog output variation the guard does
  // not know (g41v9) leaves its objects unwalked and is refused.
  const set = [0xc1, 5, 41, 2, 0x28, 1, 0, 3, 0, 0x10, 0x27, 0];
  assert.equal(evaluatePolicy(dnp3Request(set), ctx, p).reason, 'value_above_max:holding:3');
  const unknown = [0xc1, 5, 41, 9, 0x28, 1, 0, 3, 0, 0x10, 0x27, 0];
  assert.equal(evaluatePolicy(dnp3Request(unknown), ctx, p).reason, 'value_unknown:unwalked_objects');
});

test('DNP3 objects: file transfer (g70), virtual terminal (g112) and authentication (g120) denied', () => {
  const p = open({ dnp3Objects: { deny: [{ group: 70 }, { group: 112 }, { group: 120 }] } });
  const vt = [0xc1, 2, 112, 3, 0x17, 1, 0, 0x41, 0x42, 0x43];
  assert.deepEqual(
    [evaluatePolicy(dnp3Request(vt), ctx, p).reason, evaluatePolicy(dnp3Request(vt), ctx, p).exceptionCode],
    ['object_denied:g112v3', undefined],
  );
  assert.equal(evaluatePolicy(dnp3Request([0xc1, 27, 70, 3, 0x5b, 1, 0, 0]), ctx, p).reason, 'object_denied:g70v3');
  assert.equal(evaluatePolicy(dnp3Request([0xc1, 32, 120, 4, 0x07, 1, 1, 0]), ctx, p).reason, 'object_denied:g120v4');
  assert.equal(evaluatePolicy(dnp3Request(apdu.readClasses(1)), ctx, p).action, 'allow');
  // An allow list admits only what it names; a variation narrows a group.
  const only = open({ dnp3Objects: { allow: [{ group: 60 }, { group: 30, variation: 1 }] } });
  assert.equal(evaluatePolicy(dnp3Request(apdu.readClasses(1)), ctx, only).action, 'allow');
  assert.equal(evaluatePolicy(dnp3Request(apdu.readAnalogs(2, 0, 9)), ctx, only).action, 'allow');
  assert.equal(evaluatePolicy(dnp3Request(apdu.writeTime(3)), ctx, only).reason, 'object_not_allowed:g50v1');
});
