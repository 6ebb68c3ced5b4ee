import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatePolicy } from './policy.engine.js';
import { GrantBook } from './grant.book.js';
import { enforceReadOnly, grant, testKeys } from './policy.fixture.js';
import { dnp3Request, modbusRequest } from './policy-test.helpers.js';
import { apdu } from '../dnp3/dnp3.fixture.js';
import type { GuardPolicy } from './policy.types.js';

// With address ranges in the policy every request is fully decided: an object or range the
// guard cannot attribute to addresses (all points, class polls, objects after a header it
// could not walk, Modbus file records) blocks the request in enforce mode.

const ctx = { master: '10.0.0.5', nowMs: 2_000 };
const ranged: GuardPolicy = {
  mode: 'enforce',
  allowedClasses: ['read', 'write', 'control'],
  readOnly: false,
  addressRanges: [
    { table: 'input', start: 0, end: 9 },
    { table: 'coil', start: 0, end: 9 },
  ],
  onViolation: 'exception',
  version: 1,
};
const decide = (fragment: number[]) => evaluatePolicy(dnp3Request(fragment), ctx, ranged);

test('a READ of named indices inside the ranges passes', () => {
  assert.equal(decide(apdu.readAnalogs(1, 0, 9)).action, 'allow');
  assert.equal(decide(apdu.readAnalogs(1, 0, 10)).reason, 'address_not_allowed:input:0+11');
});

test('qualifier 06 (all points) cannot be attributed', () => {
  const d = decide([0xc1, 1, 30, 1, 0x06]);
  assert.deepEqual([d.action, d.reason], ['block', 'address_unattributed:g30v1:all_points']);
});

test('qualifier 07/08 (a count) names indices from 0', () => {
  assert.equal(decide([0xc1, 1, 30, 1, 0x07, 10]).action, 'allow');
  assert.equal(decide([0xc1, 1, 30, 1, 0x07, 11]).reason, 'address_not_allowed:input:0+11');
  assert.equal(decide([0xc1, 1, 30, 1, 0x08, 0, 1]).reason, 'address_not_allowed:input:0+256');
});

test('a count of events names no points (events come from any index)', () => {
  assert.equal(decide([0xc1, 1, 32, 0, 0x07, 5]).reason, 'address_unattributed:g32v0:events');
});

test('a class poll cannot be attributed', () => {
  assert.equal(decide(apdu.readClasses(1)).reason, 'address_unattributed:g60v2:class_poll');
});

test('objects after a header the walker cannot pass are not waved through', () => {
  // READ g30 with a size prefix (undefined in a request), then analogs 100..200.
  const unwalked = [0xc1, 1, 30, 1, 0x5b, 1, 2, 0, 0, 0, 30, 1, 0x01, 100, 0, 200, 0];
  assert.equal(decide(unwalked).reason, 'address_unattributed:unwalked_objects');
  // WRITE of a device attribute (g0, size unknown) hiding a CROB header after it.
  const hidden = [0xc1, 2, 0, 240, 0x00, 0, 0, 1, 2, 3, 12, 1, 0x28, 1, 0, 200, 0, 3, 1, 100, 0, 0, 0, 0, 0, 0, 0, 0];
  assert.equal(decide(hidden).action, 'block');
});

test('Modbus FC 20 and FC 21 file records cannot be attributed', () => {
  const read = modbusRequest([20, 7, 6, 0, 1, 0, 0, 0, 2]);
  const d = evaluatePolicy(read, ctx, ranged);
  assert.deepEqual([d.action, d.reason, d.exceptionCode], ['block', 'address_unattributed:file_record', 2]);
  const write = modbusRequest([21, 9, 6, 0, 1, 0, 0, 0, 1, 0x12, 0x34]);
  assert.equal(evaluatePolicy(write, ctx, ranged).reason, 'address_unattributed:file_record');
  // Without address ranges the class rules decide alone.
  assert.equal(evaluatePolicy(read, ctx, { ...ranged, addressRanges: undefined }).action, 'allow');
});

test('a grant covering the named point does not cover an unattributed rest', () => {
  const keys = testKeys();
  const book = new GrantBook([grant(keys, { unit: 4, table: 'coil', start: 0, end: 99 })], keys.publicKey, 'plc-1');
  const p = enforceReadOnly({ allowedClasses: ['read', 'write', 'control'] });
  const operate = apdu.directOperate(1, 17);
  assert.equal(evaluatePolicy(dnp3Request(operate), ctx, p, book).action, 'allow');
  const withUnknown = [...operate, 99, 9, 0x00, 0, 0, 1, 2];
  const d = evaluatePolicy(dnp3Request(withUnknown), ctx, p, book);
  assert.deepEqual([d.action, d.reason], ['block', 'ungranted_write']);
});
