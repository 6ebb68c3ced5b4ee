import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatePolicy } from './policy.engine.js';
import { GrantBook } from './grant.book.js';
import { GuardEngine } from './guard.engine.js';
import { enforceReadOnly, grant, testKeys } from './policy.fixture.js';
import { requestFromModbusTcp, malformedModbusRequest, requestFromModbusRtu } from './guard-request.adapter.js';
import { parseModbusTcpAdu } from '../modbus/modbus-tcp.parser.js';
import { parseModbusRtuAdu } from '../modbus/modbus-rtu.parser.js';
import { mbap, req, rtu } from '../modbus/modbus.fixture.js';
import type { GuardRequest } from '../shared/guard.types.js';
import type { GuardPolicy } from './policy.types.js';

const keys = testKeys();
const ctx = { master: '10.0.0.5', nowMs: 2_000 };

function modbus(pdu: number[], tid = 0x42, unit = 1): GuardRequest {
  const f = parseModbusTcpAdu(mbap(tid, unit, pdu), 'request');
  if (f.kind !== 'adu') throw new Error(f.reason);
  return requestFromModbusTcp(f.adu);
}

test('reads pass; a write under read-only gets ILLEGAL DATA ADDRESS with the same tid/unit', () => {
  const p = enforceReadOnly();
  assert.equal(evaluatePolicy(modbus(req.read(3, 0, 4)), ctx, p).action, 'allow');
  const d = evaluatePolicy(modbus(req.writeRegister(2, 7)), ctx, p);
  assert.equal(d.action, 'block');
  assert.equal(d.reason, 'ungranted_write');
  assert.deepEqual([...(d.response ?? [])], [0, 0x42, 0, 0, 0, 3, 1, 0x86, 0x02]);
});

test('a disallowed class gets ILLEGAL FUNCTION; drop sends nothing', () => {
  const p = enforceReadOnly({ allowedClasses: ['read'] });
  const d = evaluatePolicy(modbus(req.diagnostics(1, 0)), ctx, p);
  assert.equal(d.exceptionCode, 1);
  assert.equal(d.reason, 'class_not_allowed:control');
  assert.equal(evaluatePolicy(modbus([99, 1]), ctx, p).reason, 'class_not_allowed:unknown');
  const dropped = evaluatePolicy(modbus(req.diagnostics(1, 0)), ctx, { ...p, onViolation: 'drop' });
  assert.equal(dropped.action, 'block');
  assert.equal(dropped.response, undefined);
});

test('a grant covering the whole written range allows the write', () => {
  const book = new GrantBook([grant(keys, { start: 0, end: 9 })], keys.publicKey, 'plc-1');
  const p = enforceReadOnly();
  const ok = evaluatePolicy(modbus(req.writeRegisters(5, [1, 2, 3, 4, 5])), ctx, p, book);
  assert.equal(ok.action, 'allow');
  assert.deepEqual(ok.grantIds, ['g-1']);
  assert.equal(evaluatePolicy(modbus(req.writeRegisters(8, [1, 2, 3])), ctx, p, book).reason, 'ungranted_write');
  assert.equal(evaluatePolicy(modbus(req.writeRegister(5, 1)), { ...ctx, nowMs: 61_000 }, p, book).action, 'block');
  assert.equal(evaluatePolicy(modbus(req.writeCoil(5, true)), ctx, p, book).action, 'block');
  assert.equal(evaluatePolicy(modbus(req.writeRegister(5, 1), 1, 2), ctx, p, book).action, 'block');
});

test('grants never lift the class list; read/write multiple needs only its written range', () => {
  const book = new GrantBook([grant(keys, { start: 100, end: 110 })], keys.publicKey, 'plc-1');
  assert.equal(
    evaluatePolicy(modbus(req.writeRegister(100, 1)), ctx, enforceReadOnly({ allowedClasses: ['read'] }), book).action,
    'block',
  );
  assert.equal(evaluatePolicy(modbus(req.readWrite(0, 10, 100, [1, 2])), ctx, enforceReadOnly(), book).action, 'allow');
});

test('masters, units and address ranges', () => {
  const p = enforceReadOnly({
    allowedMasters: ['10.0.0.5'],
    allowedUnits: [1],
    addressRanges: [{ table: 'holding', start: 0, end: 99 }],
  });
  assert.equal(evaluatePolicy(modbus(req.read(3, 0, 100)), ctx, p).action, 'allow');
  assert.equal(
    evaluatePolicy(modbus(req.read(3, 0, 100)), { ...ctx, master: '10.0.0.6' }, p).reason,
    'master_not_allowed',
  );
  const unit = evaluatePolicy(modbus(req.read(3, 0, 1), 1, 9), ctx, p);
  assert.equal(unit.reason, 'unit_not_allowed');
  assert.equal(unit.exceptionCode, 0x0b);
  const addr = evaluatePolicy(modbus(req.read(3, 90, 20)), ctx, p);
  assert.equal(addr.exceptionCode, 2);
  assert.equal(evaluatePolicy(modbus(req.read(4, 0, 1)), ctx, p).action, 'block');
});

test('malformed requests fail closed in enforce mode and are never answered', () => {
  const d = evaluatePolicy(modbus(req.read(3, 0, 0)), ctx, enforceReadOnly());
  assert.equal(d.action, 'block');
  assert.equal(d.response, undefined);
  assert.equal(d.reason, 'malformed:quantity_out_of_range');
  assert.equal(evaluatePolicy(malformedModbusRequest('mbap_length', 'tcp'), ctx, enforceReadOnly()).action, 'block');
});

test('monitor allows everything, alert flags violations', () => {
  const write = modbus(req.writeRegister(1, 1));
  const mon = evaluatePolicy(write, ctx, enforceReadOnly({ mode: 'monitor' }));
  assert.equal(mon.action, 'allow');
  assert.deepEqual(mon.violations, ['ungranted_write']);
  assert.equal(evaluatePolicy(write, ctx, enforceReadOnly({ mode: 'alert' })).action, 'alert');
});

test('RTU requests get an RTU exception frame', () => {
  const f = parseModbusRtuAdu(rtu(7, req.writeRegister(1, 1)), 'request');
  if (f.kind !== 'adu') throw new Error('bad');
  const d = evaluatePolicy(requestFromModbusRtu(f.adu), ctx, enforceReadOnly());
  assert.equal(parseModbusRtuAdu(d.response ?? new Uint8Array(), 'response').kind, 'adu');
  assert.deepEqual([...(d.response ?? new Uint8Array(0)).subarray(0, 3)], [7, 0x86, 2]);
});

test('engine: learner events in every mode, traffic events, live policy and grant updates', () => {
  const policy: GuardPolicy = enforceReadOnly();
  const engine = new GuardEngine({ policy, deviceId: 'plc-1', grantKey: keys.publicKey });
  const first = engine.inspect(modbus(req.read(3, 0, 4)), ctx);
  assert.deepEqual(
    first.events.map((e) => e.type),
    ['guard.new_master', 'guard.new_unit', 'guard.new_function'],
  );
  assert.deepEqual(engine.inspect(modbus(req.read(3, 10, 4)), ctx).events, []);
  const blocked = engine.inspect(modbus(req.writeRegister(3, 9)), ctx);
  assert.deepEqual(
    blocked.events.map((e) => e.type),
    ['guard.new_function', 'guard.blocked'],
  );
  assert.deepEqual(
    engine.setGrants([grant(keys, { start: 3, end: 3 }), { bogus: true }]).map((r) => r.reason),
    ['malformed'],
  );
  const written = engine.inspect(modbus(req.writeRegister(3, 9)), ctx);
  assert.equal(written.decision.action, 'allow');
  assert.equal(written.events[0].type, 'guard.write');
  engine.setPolicy({ ...policy, mode: 'monitor' });
  assert.equal(engine.inspect(modbus(req.writeRegister(4, 9)), ctx).decision.action, 'allow');
  const baseline = engine.learner.baseline();
  assert.deepEqual(baseline.masters, ['10.0.0.5']);
  assert.deepEqual(
    baseline.ranges.map((r) => [r.start, r.end]),
    [
      [0, 4],
      [10, 13],
    ],
  );
});
