import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GuardEngine } from './guard.engine.js';
import { evaluatePolicy } from './policy.engine.js';
import { enforceReadOnly } from './policy.fixture.js';
import { dnp3Request, dnp3Response } from './policy-test.helpers.js';
import { analogOutputObject, commandApdu, crobObject, statusResponse } from '../dnp3/dnp3.fixture.js';
import type { GuardPolicy } from './policy.types.js';

// Value rules on DNP3 outputs: analog output blocks (g41) are holding registers at their index,
// CROBs (g12v1) coils; the step is measured from the analog output status (g40) or analog
// input (g30) last reported for that index, exactly as from a Modbus read.

const ctx = { master: '10.0.0.5', nowMs: 5_000 };
const open = (over: Partial<GuardPolicy> = {}): GuardPolicy =>
  enforceReadOnly({ readOnly: false, allowedClasses: ['read', 'write', 'control'], schema: 2, ...over });
const setPoint = (fc: number, variation: number, index: number, value: number) =>
  dnp3Request(commandApdu(1, fc, 41, variation, index, analogOutputObject(variation, value)));
const crob = (index: number, code: number, count = 1, onMs = 100, offMs = 0) =>
  dnp3Request(commandApdu(1, 5, 12, 1, index, crobObject(code, count, onMs, offMs)));

test('set-point bounds apply to every analog output variation and to SELECT, OPERATE and DIRECT_OPERATE(_NR)', () => {
  const p = open({ values: [{ table: 'holding', start: 10, end: 19, min: -100, max: 500 }] });
  for (const variation of [1, 2, 3, 4])
    for (const fc of [3, 4, 5, 6]) {
      assert.equal(evaluatePolicy(setPoint(fc, variation, 12, 250), ctx, p).action, 'allow');
      const d = evaluatePolicy(setPoint(fc, variation, 12, 501), ctx, p);
      assert.deepEqual([d.action, d.reason], ['block', 'value_above_max:holding:12'], `g41v${variation} fc ${fc}`);
      assert.equal(evaluatePolicy(setPoint(fc, variation, 12, -101), ctx, p).reason, 'value_below_min:holding:12');
    }
  // A float between the bounds passes; a point outside the rule's range is not its concern.
  assert.equal(evaluatePolicy(setPoint(5, 3, 12, 499.5), ctx, p).action, 'allow');
  assert.equal(evaluatePolicy(setPoint(5, 1, 30, 9999), ctx, p).action, 'allow');
});

test('maxStep: measured from the g40 status last reported, else the g30 input at the same index', () => {
  const p = open({ values: [{ table: 'holding', start: 0, end: 9, maxStep: 50 }] });
  const engine = new GuardEngine({ policy: p, deviceId: 'rtu-1' });
  // Nothing reported yet: the step cannot be known.
  assert.equal(engine.inspect(setPoint(5, 1, 3, 120), ctx).decision.reason, 'value_step_unknown:holding:3');
  engine.inspectReply(dnp3Response(statusResponse(1, 30, 1, 3, [100])), ctx);
  assert.equal(engine.inspect(setPoint(5, 1, 3, 140), ctx).decision.action, 'allow');
  // g40 takes precedence once reported.
  engine.inspectReply(dnp3Response(statusResponse(2, 40, 3, 2, [0, 300.5])), ctx);
  const big = engine.inspect(setPoint(5, 3, 3, 140), ctx).decision;
  assert.deepEqual([big.action, big.reason], ['block', 'value_step_too_large:holding:3']);
  assert.equal(engine.inspect(setPoint(5, 3, 3, 350.5), ctx).decision.action, 'allow');
  // The refusal event names the values' count.
  const events = engine.inspect(setPoint(4, 2, 3, 100), ctx).events.filter((e) => e.type === 'guard.blocked');
  assert.deepEqual(
    events.map((e) => [e.type, 'valueCount' in e ? e.valueCount : undefined]),
    [['guard.blocked', 1]],
  );
});

test('CROB: allowed codes, pulse count and on/off times; the refusal names the code', () => {
  const p = open({
    values: [
      { table: 'coil', start: 0, end: 3, crobCodes: ['trip_pulse_on', 'close_pulse_on'], maxCount: 1, maxOnMs: 1000 },
    ],
  });
  assert.equal(evaluatePolicy(crob(2, 0x81), ctx, p).action, 'allow');
  assert.equal(evaluatePolicy(crob(2, 0x41, 1, 1000), ctx, p).action, 'allow');
  const latch = evaluatePolicy(crob(2, 0x03), ctx, p);
  assert.deepEqual([latch.action, latch.reason], ['block', 'crob_code_not_allowed:latch_on:coil:2']);
  // Set clear or queue bits never match a listed name.
  assert.equal(evaluatePolicy(crob(2, 0xa1), ctx, p).reason, 'crob_code_not_allowed:trip_pulse_on+clear:coil:2');
  assert.equal(evaluatePolicy(crob(2, 0x81, 2), ctx, p).reason, 'crob_count_above_max:coil:2');
  assert.equal(evaluatePolicy(crob(2, 0x81, 1, 1001), ctx, p).reason, 'crob_on_time_above_max:coil:2');
  assert.equal(evaluatePolicy(crob(9, 0x03), ctx, p).action, 'allow');
});

test('CROB: an allowed value set refuses a close, and a NUL operation names no value', () => {
  const p = open({ values: [{ table: 'coil', start: 0, end: 0, allowed: [0], maxOffMs: 0 }] });
  assert.equal(evaluatePolicy(crob(0, 0x81), ctx, p).action, 'allow');
  assert.equal(evaluatePolicy(crob(0, 0x41), ctx, p).reason, 'value_not_allowed:coil:0');
  assert.equal(evaluatePolicy(crob(0, 0x00), ctx, p).reason, 'value_unknown:coil:0');
  assert.equal(evaluatePolicy(crob(0, 0x81, 1, 100, 5), ctx, p).reason, 'crob_off_time_above_max:coil:0');
});

test('the same request and reply give the same decision to the pure function and to the engine', () => {
  const p = open({ values: [{ table: 'holding', start: 0, end: 0, min: 0, max: 10 }] });
  const r = setPoint(5, 2, 0, 11);
  const engine = new GuardEngine({ policy: p, deviceId: 'rtu-1' });
  assert.deepEqual(engine.inspect(r, ctx).decision, evaluatePolicy(r, ctx, p));
});
