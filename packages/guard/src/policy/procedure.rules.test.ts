import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GuardEngine } from './guard.engine.js';
import { evaluatePolicy } from './policy.engine.js';
import { GrantBook } from './grant.book.js';
import { enforceReadOnly, grant, testKeys } from './policy.fixture.js';
import { dnp3Request, modbusRequest } from './policy-test.helpers.js';
import { req } from '../modbus/modbus.fixture.js';
import { commandApdu, crobObject } from '../dnp3/dnp3.fixture.js';
import type { GuardPolicy } from './policy.types.js';
import type { GuardProcedureEvent } from '../events/guard-event.types.js';

// Operation workflows: tag on, open the breaker, ground, unground, close, tag off — each step
// only after the one before, within its timeout, started by a grant that names the operator,
// reason and ticket; logged as one procedure.

const keys = testKeys();
const M = '10.0.0.5';
const TAG = 100;
const BREAKER = 10;
const EARTH = 11;

const policy = (over: Partial<GuardPolicy> = {}): GuardPolicy =>
  enforceReadOnly({
    allowedClasses: ['read', 'write', 'control'],
    schema: 2,
    states: [{ name: 'switching_f7', from: 'grant' }],
    procedures: [
      {
        name: 'feeder7_isolation',
        startedBy: 'switching_f7',
        steps: [
          { name: 'tag_on', table: 'coil', address: TAG, value: 1 },
          { name: 'open_breaker', table: 'coil', address: BREAKER, value: 0, functions: [5] },
          { name: 'ground', table: 'coil', address: EARTH, value: 1, timeoutMs: 60_000 },
          { name: 'unground', table: 'coil', address: EARTH, value: 0 },
          { name: 'close_breaker', table: 'coil', address: BREAKER, value: 1 },
          { name: 'tag_off', table: 'coil', address: TAG, value: 0 },
        ],
      },
    ],
    ...over,
  });

// The grant sets the state only (coil 0, which no step names): the steps pass as steps.
const startGrant = grant(keys, {
  id: 'g-sw-1',
  deviceId: 'plc-1',
  table: 'coil',
  start: 0,
  end: 0,
  setsState: 'switching_f7',
  ticket: 'CHG-1234',
  grantedBy: 'alice',
  reason: 'isolate feeder 7 for line work',
  expiresAt: 600_000,
});

const coil = (addr: number, on: boolean) => modbusRequest(req.writeCoil(addr, on));
const at = (nowMs: number) => ({ master: M, nowMs });
const engineWith = (grants: unknown[], p = policy()) =>
  new GuardEngine({ policy: p, deviceId: 'plc-1', grants, grantKey: keys.publicKey });
const procedureEvents = (events: { type: string }[]) =>
  events.filter((e): e is GuardProcedureEvent => e.type === 'guard.procedure');

test('without the grant that starts it, a step is refused as not started', () => {
  const engine = engineWith([]);
  const { decision, events } = engine.inspect(coil(TAG, true), at(2_000));
  assert.deepEqual([decision.action, decision.reason], ['block', 'procedure_not_started:feeder7_isolation']);
  assert.deepEqual(
    procedureEvents(events).map((e) => [e.outcome, e.procedureId, e.step]),
    [['refused', undefined, 'tag_on']],
  );
  // A write to a point no step names is not the procedure's concern (here: read-only, ungranted).
  assert.equal(engine.inspect(coil(50, true), at(2_000)).decision.reason, 'ungranted_write');
});

test('the steps in order pass under read-only, one procedure in the log; out of order is refused naming the step due', () => {
  const engine = engineWith([startGrant]);
  const order: Array<[number, boolean, string]> = [
    [TAG, true, 'tag_on'],
    [BREAKER, false, 'open_breaker'],
    [EARTH, true, 'ground'],
    [EARTH, false, 'unground'],
    [BREAKER, true, 'close_breaker'],
    [TAG, false, 'tag_off'],
  ];
  // Closing the breaker first is refused, naming the first step.
  const early = engine.inspect(coil(BREAKER, true), at(2_000)).decision;
  assert.deepEqual([early.action, early.reason], ['block', 'procedure_out_of_order:feeder7_isolation:expected:tag_on']);
  const log: GuardProcedureEvent[] = [];
  for (const [i, [addr, on, name]] of order.entries()) {
    // The same point with the wrong value is no step: grounding before opening is refused.
    if (name === 'ground') {
      const wrong = engine.inspect(coil(BREAKER, true), at(3_000 + i)).decision;
      assert.equal(wrong.reason, 'procedure_out_of_order:feeder7_isolation:expected:ground');
    }
    const { decision, events } = engine.inspect(coil(addr, on), at(3_000 + i));
    assert.deepEqual([decision.action, decision.grantIds], ['allow', ['g-sw-1']], name);
    log.push(...procedureEvents(events));
  }
  assert.deepEqual(
    log.map((e) => [e.step, e.stepIndex, e.outcome]),
    order.map(([, , name], i) => [name, i, i === order.length - 1 ? 'completed' : 'step']),
  );
  for (const e of log) {
    assert.equal(e.procedureId, 'feeder7_isolation:g-sw-1');
    assert.deepEqual(
      [e.operator, e.reason, e.ticket, e.master],
      ['alice', 'isolate feeder 7 for line work', 'CHG-1234', M],
    );
  }
  // Finished: the points of the procedure stay shut while its grant lasts.
  assert.equal(engine.inspect(coil(TAG, true), at(4_000)).decision.reason, 'procedure_finished:feeder7_isolation');
});

test('a step later than its timeout is refused, and the run cannot go on', () => {
  const engine = engineWith([startGrant]);
  engine.inspect(coil(TAG, true), at(2_000));
  engine.inspect(coil(BREAKER, false), at(3_000));
  const late = engine.inspect(coil(EARTH, true), at(3_000 + 60_001)).decision;
  assert.deepEqual([late.action, late.reason], ['block', 'procedure_step_timeout:feeder7_isolation:ground']);
  // The breaker is still open; nothing else of the procedure passes either.
  assert.equal(
    engine.inspect(coil(BREAKER, true), at(3_000 + 60_002)).decision.reason,
    'procedure_step_timeout:feeder7_isolation:ground',
  );
});

test('a refused step does not advance the run; monitor mode records the refusal and lets it through', () => {
  const engine = engineWith([startGrant], policy({ values: [{ table: 'coil', start: TAG, end: TAG, allowed: [0] }] }));
  const d = engine.inspect(coil(TAG, true), at(2_000));
  assert.equal(d.decision.reason, 'value_not_allowed:coil:100');
  assert.deepEqual(
    procedureEvents(d.events).map((e) => [e.outcome, e.refusal]),
    [['refused', 'value_not_allowed:coil:100']],
  );
  assert.equal(
    engine.inspect(coil(BREAKER, false), at(2_001)).decision.reason,
    'procedure_out_of_order:feeder7_isolation:expected:tag_on',
  );
  const monitor = engineWith([startGrant], policy({ mode: 'monitor' }));
  const m = monitor.inspect(coil(BREAKER, false), at(2_000));
  assert.deepEqual(
    [m.decision.action, m.decision.reason],
    ['allow', 'procedure_out_of_order:feeder7_isolation:expected:tag_on'],
  );
});

test('DNP3: a SELECT of the step due prepares it, its OPERATE performs it', () => {
  const p = policy({
    procedures: [
      {
        name: 'trip_cb3',
        startedBy: 'switching_f7',
        steps: [
          { name: 'trip', protocol: 'dnp3', table: 'coil', address: 3, functions: [3, 4], value: 0 },
          { name: 'close', protocol: 'dnp3', table: 'coil', address: 3, functions: [3, 4], value: 1 },
        ],
      },
    ],
    selectBeforeOperate: { timeoutMs: 5_000 },
  });
  const engine = engineWith([grant(keys, { ...startGrant, unit: 4 })], p);
  const cmd = (seq: number, fc: number, code: number) => dnp3Request(commandApdu(seq, fc, 12, 1, 3, crobObject(code)));
  assert.equal(
    engine.inspect(cmd(1, 3, 0x41), at(2_000)).decision.reason,
    'procedure_out_of_order:trip_cb3:expected:trip',
  );
  const sel = engine.inspect(cmd(2, 3, 0x81), at(2_001));
  assert.deepEqual(
    procedureEvents(sel.events).map((e) => [e.step, e.outcome]),
    [['trip', 'selected']],
  );
  const op = engine.inspect(cmd(3, 4, 0x81), at(2_002));
  assert.equal(op.decision.action, 'allow');
  assert.deepEqual(
    procedureEvents(op.events).map((e) => [e.step, e.outcome]),
    [['trip', 'step']],
  );
  assert.equal(
    engine.inspect(cmd(4, 5, 0x41), at(2_003)).decision.reason,
    'procedure_out_of_order:trip_cb3:expected:close',
  );
});

test('the pure function decides as the engine does (offline and live agree)', () => {
  const book = new GrantBook([startGrant], keys.publicKey, 'plc-1');
  const engine = engineWith([startGrant]);
  for (const r of [coil(BREAKER, false), coil(TAG, true)])
    assert.deepEqual(engine.inspect(r, at(2_000)).decision, evaluatePolicy(r, at(2_000), policy(), book));
});
