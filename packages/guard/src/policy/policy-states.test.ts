import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GuardEngine } from './guard.engine.js';
import { evaluatePolicy } from './policy.engine.js';
import { GrantBook } from './grant.book.js';
import { enforceReadOnly, grant, testKeys } from './policy.fixture.js';
import type { UnsignedWriteGrant } from './grant.signature.js';
import { dnp3Request } from './policy-test.helpers.js';
import { requestFromModbusTcp, responseFromModbusTcp } from './guard-request.adapter.js';
import { parseModbusTcpAdu } from '../modbus/modbus-tcp.parser.js';
import { mbap, req, res } from '../modbus/modbus.fixture.js';
import { apdu } from '../dnp3/dnp3.fixture.js';
import type { GuardPolicy } from './policy.types.js';

// Named states: set by a signed grant (a hotline tag, naming the operates it allows) or derived
// from values read; what they allow, require and forbid; DNP3 SELECT-before-OPERATE as a
// sequence with a timeout.

const keys = testKeys();
const M = '10.0.0.5';
const at = (nowMs: number, master = M) => ({ master, nowMs });

// The hotline tag on feeder 7: outstation 4, the breaker's CROB 17, with operator and ticket.
const tag = (over: Partial<UnsignedWriteGrant> = {}) =>
  grant(keys, {
    id: 's-1',
    unit: 4,
    table: 'coil',
    start: 17,
    end: 17,
    setsState: 'hotline_feeder7',
    ticket: 'CHG-1234',
    reason: 'line work on feeder 7',
    ...over,
  });

// DNP3 control requests on CROB `index` (g12v1): SELECT 3, OPERATE 4, DIRECT_OPERATE 5.
const crob = (fc: number, seq: number, index: number) => [0xc0 | seq, fc, ...apdu.directOperate(seq, index).slice(2)];
const setPoint = [0xc1, 5, 41, 2, 0x28, 1, 0, 3, 0, 0x10, 0x27, 0];

// While the tag holds: reclosing (CROB 20) is forbidden, grounding (CROB 30) requires it.
const hotline: GuardPolicy = enforceReadOnly({
  allowedClasses: ['read', 'write', 'control'],
  onViolation: 'drop',
  schema: 2,
  states: [{ name: 'hotline_feeder7', from: 'grant' }],
  stateRules: [
    { state: 'hotline_feeder7', effect: 'forbid', protocol: 'dnp3', table: 'coil', start: 20, end: 20 },
    { state: 'hotline_feeder7', effect: 'require', protocol: 'dnp3', table: 'coil', start: 30, end: 30 },
  ],
});

test('without a grant or a state, a DIRECT_OPERATE, a set-point and a cold restart are blocked', () => {
  const book = new GrantBook([], keys.publicKey, 'plc-1');
  for (const f of [crob(5, 1, 17), setPoint, apdu.coldRestart(2)])
    assert.equal(evaluatePolicy(dnp3Request(f), at(2_000), hotline, book).reason, 'ungranted_write');
});

test('a hotline tag set by a signed grant allows exactly the operates it names, only while it is set', () => {
  const book = new GrantBook([tag()], keys.publicKey, 'plc-1');
  const ok = evaluatePolicy(dnp3Request(crob(5, 1, 17)), at(2_000), hotline, book);
  assert.deepEqual([ok.action, ok.grantIds], ['allow', ['s-1']]);
  // Another point, a set-point, a restart: not named, still refused.
  assert.equal(evaluatePolicy(dnp3Request(crob(5, 1, 18)), at(2_000), hotline, book).reason, 'ungranted_write');
  assert.equal(evaluatePolicy(dnp3Request(setPoint), at(2_000), hotline, book).reason, 'ungranted_write');
  assert.equal(evaluatePolicy(dnp3Request(apdu.coldRestart(2)), at(2_000), hotline, book).reason, 'ungranted_write');
  // Before and after its window the tag is not set.
  assert.equal(evaluatePolicy(dnp3Request(crob(5, 1, 17)), at(999), hotline, book).action, 'block');
  assert.equal(evaluatePolicy(dnp3Request(crob(5, 1, 17)), at(61_000), hotline, book).action, 'block');
});

test('while the tag is set, reclosing is forbidden even under a write grant; grounding requires the tag', () => {
  const grants = [
    grant(keys, { id: 'w-20', unit: 4, table: 'coil', start: 20, end: 20 }),
    grant(keys, { id: 'w-30', unit: 4, table: 'coil', start: 30, end: 30 }),
  ];
  const without = new GrantBook(grants, keys.publicKey, 'plc-1');
  const tagged = new GrantBook([...grants, tag()], keys.publicKey, 'plc-1');
  assert.equal(evaluatePolicy(dnp3Request(crob(5, 1, 20)), at(2_000), hotline, without).action, 'allow');
  assert.equal(
    evaluatePolicy(dnp3Request(crob(5, 1, 20)), at(2_000), hotline, tagged).reason,
    'state_forbids:hotline_feeder7',
  );
  assert.equal(
    evaluatePolicy(dnp3Request(crob(5, 1, 30)), at(2_000), hotline, without).reason,
    'state_required:hotline_feeder7',
  );
  assert.equal(evaluatePolicy(dnp3Request(crob(5, 1, 30)), at(2_000), hotline, tagged).action, 'allow');
  // A state the policy does not declare sets nothing.
  const other = new GrantBook([...grants, tag({ setsState: 'hotline_feeder8' })], keys.publicKey, 'plc-1');
  assert.equal(evaluatePolicy(dnp3Request(crob(5, 1, 30)), at(2_000), hotline, other).action, 'block');
});

test('a state grant with a bad signature, for another device, or a ticket without a state is refused', () => {
  const forged = { ...tag(), ticket: 'CHG-9999' };
  const other = tag({ deviceId: 'plc-2' });
  const { setsState: _state, ...ticketOnly } = tag();
  const book = new GrantBook([forged, other, ticketOnly], keys.publicKey, 'plc-1');
  assert.deepEqual(
    book.rejected.map((r) => r.reason),
    ['bad_signature', 'wrong_device', 'malformed'],
  );
  assert.equal(book.stateSetBy('hotline_feeder7', 2_000), undefined);
  assert.equal(
    evaluatePolicy(dnp3Request(crob(5, 1, 30)), at(2_000), hotline, book).reason,
    'state_required:hotline_feeder7',
  );
});

test('SELECT then OPERATE of the same objects within the timeout passes; OPERATE alone, late or different does not', () => {
  const policy = { ...hotline, selectBeforeOperate: { timeoutMs: 5_000 } };
  const engine = new GuardEngine({ policy, deviceId: 'plc-1', grants: [tag()], grantKey: keys.publicKey });
  const decide = (f: number[], nowMs: number, master = M) => engine.inspect(dnp3Request(f), at(nowMs, master)).decision;
  assert.equal(decide(crob(4, 2, 17), 2_000).reason, 'operate_without_select');
  assert.equal(decide(crob(3, 1, 17), 2_000).action, 'allow');
  const op = decide(crob(4, 2, 17), 3_000);
  assert.deepEqual([op.action, op.grantIds], ['allow', ['s-1']]);
  // The OPERATE used the SELECT up.
  assert.equal(decide(crob(4, 3, 17), 3_100).reason, 'operate_without_select');
  // Too late.
  decide(crob(3, 4, 17), 10_000);
  assert.equal(decide(crob(4, 5, 17), 15_001).reason, 'select_expired');
  // Other objects than selected, another master, out of sequence.
  decide(crob(3, 6, 17), 20_000);
  assert.equal(
    decide([0xc7, 4, ...apdu.directOperate(7, 17).slice(2, -1), 1], 20_100).reason,
    'operate_differs_from_select',
  );
  decide(crob(3, 8, 17), 21_000);
  assert.equal(decide(crob(4, 9, 17), 21_100, '10.0.0.9').reason, 'operate_without_select');
  assert.equal(decide(crob(4, 10, 17), 21_200).reason, 'operate_out_of_sequence');
  // DIRECT_OPERATE is not a SELECT/OPERATE sequence: the state alone decides it.
  assert.equal(decide(crob(5, 11, 17), 22_000).action, 'allow');
});

function modbus(pdu: number[], tid: number) {
  const f = parseModbusTcpAdu(mbap(tid, 1, pdu), 'request');
  if (f.kind !== 'adu') throw new Error(f.reason);
  return requestFromModbusTcp(f.adu);
}

function reply(pdu: number[], tid: number) {
  const f = parseModbusTcpAdu(mbap(tid, 1, pdu), 'response');
  if (f.kind !== 'adu') throw new Error(f.reason);
  return responseFromModbusTcp(f.adu);
}

test('a state derived from a value read gates writes: grounding only while the breaker reads open', () => {
  const policy: GuardPolicy = enforceReadOnly({
    readOnly: false,
    schema: 2,
    states: [{ name: 'breaker7_open', from: 'value', unit: 1, table: 'holding', address: 40, equals: 0 }],
    stateRules: [{ state: 'breaker7_open', effect: 'require', table: 'coil', start: 100, end: 100 }],
  });
  const engine = new GuardEngine({ policy, deviceId: 'plc-1' });
  // Unknown until read.
  const before = engine.inspect(modbus(req.writeCoil(100, true), 1), at(1)).decision;
  assert.deepEqual([before.reason, before.exceptionCode], ['state_required:breaker7_open', 1]);
  engine.inspect(modbus(req.read(3, 40, 1), 2), at(2));
  engine.inspectReply(reply(res.readRegisters(3, [1]), 2), at(3));
  assert.equal(
    engine.inspect(modbus(req.writeCoil(100, true), 3), at(4)).decision.reason,
    'state_required:breaker7_open',
  );
  engine.inspect(modbus(req.read(3, 40, 1), 4), at(5));
  engine.inspectReply(reply(res.readRegisters(3, [0]), 4), at(6));
  assert.equal(engine.inspect(modbus(req.writeCoil(100, true), 5), at(7)).decision.action, 'allow');
  // Writes the rule does not name are not gated.
  assert.equal(engine.inspect(modbus(req.writeCoil(101, true), 6), at(8)).decision.action, 'allow');
});

test('allow: a state rule naming a function lets a restart through while the state holds', () => {
  const restart: GuardPolicy = {
    ...hotline,
    stateRules: [{ state: 'hotline_feeder7', effect: 'allow', protocol: 'dnp3', functions: [13] }],
  };
  const set = new GrantBook([tag()], keys.publicKey, 'plc-1');
  const d = evaluatePolicy(dnp3Request(apdu.coldRestart(2)), at(2_000), restart, set);
  assert.deepEqual([d.action, d.states, d.grantIds], ['allow', ['hotline_feeder7'], ['s-1']]);
  assert.equal(evaluatePolicy(dnp3Request(apdu.coldRestart(2)), at(70_000), restart, set).action, 'block');
  assert.equal(evaluatePolicy(dnp3Request([0xc1, 14]), at(2_000), restart, set).reason, 'ungranted_write');
});
