import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GuardEngine } from './guard.engine.js';
import {
  GuardMemory,
  MAX_PENDING_READS,
  MAX_PROCEDURE_RUNS,
  MAX_RATE_BUCKETS,
  MAX_REMEMBERED_VALUES,
  MAX_SELECTIONS,
} from './guard.memory.js';
import { enforceReadOnly } from './policy.fixture.js';
import { requestFromModbusTcp, responseFromDnp3, responseFromModbusTcp } from './guard-request.adapter.js';
import { parseModbusTcpAdu } from '../modbus/modbus-tcp.parser.js';
import { mbap, req, res } from '../modbus/modbus.fixture.js';
import { Dnp3StreamParser } from '../dnp3/dnp3-stream.parser.js';
import { fragmentFrames, OUTSTATION } from '../dnp3/dnp3.fixture.js';
import type { GuardPolicy } from './policy.types.js';
import type { GuardRequest, GuardResponse } from '../shared/guard.types.js';

// Rules that depend on what the guard saw before: the step from the value last read, mask
// writes, rate limits; response rules; and the bounds of what the guard remembers.

const M = '10.0.0.5';
const open = (over: Partial<GuardPolicy> = {}): GuardPolicy =>
  enforceReadOnly({ readOnly: false, allowedClasses: ['read', 'write', 'control'], schema: 2, ...over });

function request(pdu: number[], tid: number, unit = 1): GuardRequest {
  const f = parseModbusTcpAdu(mbap(tid, unit, pdu), 'request');
  if (f.kind !== 'adu') throw new Error(f.reason);
  return requestFromModbusTcp(f.adu);
}

function reply(pdu: number[], tid: number, unit = 1): GuardResponse {
  const f = parseModbusTcpAdu(mbap(tid, unit, pdu), 'response');
  if (f.kind !== 'adu') throw new Error(f.reason);
  return responseFromModbusTcp(f.adu);
}

const at = (nowMs: number, master = M) => ({ master, nowMs });

test('a set-point step larger than allowed from the value last read is refused; a smaller one passes', () => {
  const engine = new GuardEngine({
    policy: open({ values: [{ table: 'holding', start: 0, end: 9, maxStep: 50 }] }),
    deviceId: 'plc-1',
  });
  // Before any read the step cannot be known.
  assert.equal(
    engine.inspect(request(req.writeRegister(2, 100), 1), at(1)).decision.reason,
    'value_step_unknown:holding:2',
  );
  assert.equal(engine.inspect(request(req.read(3, 0, 4), 2), at(2)).decision.action, 'allow');
  engine.inspectReply(reply(res.readRegisters(3, [10, 20, 1000, 40]), 2), at(3));
  assert.equal(engine.inspect(request(req.writeRegister(2, 1050), 3), at(4)).decision.action, 'allow');
  const big = engine.inspect(request(req.writeRegister(2, 1051), 4), at(5)).decision;
  assert.deepEqual([big.action, big.reason, big.exceptionCode], ['block', 'value_step_too_large:holding:2', 3]);
  assert.equal(
    engine.inspect(request(req.writeRegister(2, 949), 5), at(6)).decision.reason,
    'value_step_too_large:holding:2',
  );
  // Another master's reply under the same transaction id is not taken for this read.
  assert.equal(engine.inspect(request(req.read(3, 5, 1), 7), at(7)).decision.action, 'allow');
  engine.inspectReply(reply(res.readRegisters(3, [500]), 7), at(8, '10.0.0.9'));
  assert.equal(
    engine.inspect(request(req.writeRegister(5, 500), 8), at(9)).decision.reason,
    'value_step_unknown:holding:5',
  );
  // An exception reply or a reply of the wrong length records nothing.
  engine.inspect(request(req.read(3, 6, 2), 9), at(10));
  engine.inspectReply(reply(res.readRegisters(3, [1]), 9), at(11));
  assert.equal(
    engine.inspect(request(req.writeRegister(6, 1), 10), at(12)).decision.reason,
    'value_step_unknown:holding:6',
  );
});

test('a mask write is judged by the value it leaves, computed from the value last read', () => {
  const engine = new GuardEngine({
    policy: open({ values: [{ table: 'holding', start: 0, end: 9, max: 0x00ff }] }),
    deviceId: 'plc-1',
  });
  engine.inspect(request(req.read(3, 4, 1), 1), at(1));
  engine.inspectReply(reply(res.readRegisters(3, [0x0012]), 1), at(2));
  // (0x0012 AND 0xFFF0) OR (0x0003 AND 0x000F) = 0x0013.
  assert.equal(engine.inspect(request(req.maskWrite(4, 0xfff0, 0x0003), 2), at(3)).decision.action, 'allow');
  // (0x0012 AND 0x00FF) OR (0x0100 AND 0xFF00) = 0x0112: above max.
  assert.equal(
    engine.inspect(request(req.maskWrite(4, 0x00ff, 0x0100), 3), at(4)).decision.reason,
    'value_above_max:holding:4',
  );
});

test('coils read with FC 1 give the last value of each coil', () => {
  const engine = new GuardEngine({
    policy: open({ values: [{ table: 'coil', start: 0, end: 15, maxStep: 0 }] }),
    deviceId: 'plc-1',
  });
  engine.inspect(request(req.read(1, 0, 10), 1), at(1));
  engine.inspectReply(reply(res.readBits(1, [0, 0, 0, 0, 0, 0, 0, 0, 0, 1]), 1), at(2));
  assert.equal(engine.inspect(request(req.writeCoil(9, true), 2), at(3)).decision.action, 'allow');
  assert.equal(
    engine.inspect(request(req.writeCoil(8, true), 3), at(4)).decision.reason,
    'value_step_too_large:coil:8',
  );
});

test('rate limits: a flood from one master on one function is blocked with SERVER DEVICE BUSY, others pass', () => {
  const engine = new GuardEngine({
    policy: open({ rateLimits: [{ protocol: 'modbus', fc: 3, perSecond: 10, burst: 5 }] }),
    deviceId: 'plc-1',
  });
  const decisions = Array.from({ length: 8 }, (_, i) => engine.inspect(request(req.read(3, 0, 1), i), at(1000)));
  assert.deepEqual(
    decisions.map((v) => v.decision.action),
    ['allow', 'allow', 'allow', 'allow', 'allow', 'block', 'block', 'block'],
  );
  const flood = decisions[5];
  assert.deepEqual([flood.decision.reason, flood.decision.exceptionCode], ['rate_limited:modbus:3', 6]);
  assert.equal(flood.events.find((e) => e.type === 'guard.blocked')?.type, 'guard.blocked');
  // Another function and another master have their own budget.
  assert.equal(engine.inspect(request(req.read(4, 0, 1), 9), at(1000)).decision.action, 'allow');
  assert.equal(engine.inspect(request(req.read(3, 0, 1), 10), at(1000, '10.0.0.6')).decision.action, 'allow');
  // 100 ms later one request's worth has come back; a master that keeps flooding stays refused.
  assert.equal(engine.inspect(request(req.read(3, 0, 1), 11), at(1100)).decision.action, 'allow');
  assert.equal(engine.inspect(request(req.read(3, 0, 1), 12), at(1100)).decision.action, 'block');
  assert.equal(engine.inspect(request(req.read(3, 0, 1), 13), at(1700)).decision.action, 'allow');
});

test('response rules: named Modbus exception codes and DNP3 IIN bits raise guard.response events', () => {
  const engine = new GuardEngine({
    policy: open({ responses: { modbusExceptions: [2, 4], dnp3Iin: ['device_restart', 'config_corrupt'] } }),
    deviceId: 'plc-1',
  });
  const [ev] = engine.inspectReply(reply(res.exception(3, 4), 1), at(5));
  assert.deepEqual(
    [ev?.type, ev?.exceptionCode, ev?.fc, ev?.unit, ev?.master, ev?.ts],
    ['guard.response', 4, 3, 1, M, 5],
  );
  assert.deepEqual(engine.inspectReply(reply(res.exception(3, 1), 1), at(5)), []);
  const frag = [0xc0, 129, 0x80, 0x20];
  const items = fragmentFrames(OUTSTATION, frag).flatMap((f) => new Dnp3StreamParser().push(f));
  const resp = responseFromDnp3(items[items.length - 1]);
  assert.ok(resp);
  const [dnp] = engine.inspectReply(resp, at(6));
  assert.deepEqual([dnp?.protocol, dnp?.iin, dnp?.unit], ['dnp3', ['device_restart', 'config_corrupt'], 4]);
  // Without response rules nothing is raised.
  engine.setPolicy(open({ version: 9 }));
  assert.deepEqual(engine.inspectReply(resp, at(7)), []);
});

test('memory is bounded: values, pending reads, rate buckets, selections and procedure runs keep at most their bound', () => {
  const m = new GuardMemory();
  m.rememberValues({ unit: 1, table: 'holding', start: 0, count: 0x10000 }, new Array(0x10000).fill(7));
  m.rememberValues({ unit: 2, table: 'holding', start: 0, count: 0x10000 }, new Array(0x10000).fill(8));
  for (let i = 0; i < 5_000; i++)
    m.expectRead(`10.0.${i >> 8}.${i & 0xff}`, i, { unit: 1, table: 'coil', start: 0, count: 1 });
  const rule = { perSecond: 1, burst: 1 };
  for (let i = 0; i < 10_000; i++) m.spend(0, rule, `m${i}`, 3, 0);
  for (let i = 0; i < 1_000; i++) m.select(`m${i}`, 4, new Uint8Array(8), 1, 0);
  for (let i = 0; i < 1_000; i++) m.advanceProcedure(`switching:g-${i}`, 1, 0);
  const bounds = {
    runs: MAX_PROCEDURE_RUNS,
    values: MAX_REMEMBERED_VALUES,
    reads: MAX_PENDING_READS,
    buckets: MAX_RATE_BUCKETS,
    selections: MAX_SELECTIONS,
  };
  for (const [k, size] of Object.entries(m.sizes())) {
    const bound = bounds[k as keyof typeof bounds];
    assert.ok(size <= bound && size >= bound - bound / 8, `${k}: ${size} of ${bound}`);
  }
  // The most recent stay.
  assert.equal(m.lastValue(2, 'holding', 0xffff), 8);
  assert.equal(m.lastValue(1, 'holding', 0), undefined);
});
