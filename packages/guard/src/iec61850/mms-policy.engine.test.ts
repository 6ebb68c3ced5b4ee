import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GrantBook } from '../policy/grant.book.js';
import { grant, testKeys } from '../policy/policy.fixture.js';
import type { GuardPolicy } from '../policy/policy.types.js';
import { evaluateMmsPolicy } from './mms-policy.engine.js';
import { MmsMemory } from './mms-policy.memory.js';
import { MmsGuard } from './mms.guard.js';
import { referenceOf, within, overlaps } from './mms-reference.js';
import type { Bytes } from './iec61850.fixture.js';
import { mms } from './mms.fixture.js';
import {
  BREAKER_OPER,
  SWITCH_CANCEL,
  SWITCH_OPER,
  SWITCH_SBOW,
  feederPolicy,
  mmsRequest,
  req,
} from './mms-policy.fixture.js';

// Decisions of the IEC 61850 rules, one row per case: the request, the states set by valid
// grants, and the reason expected (undefined: allowed).

const keys = testKeys();
const M = '10.0.0.5';
const stateGrant = (state: string, id: string) =>
  grant(keys, { id, deviceId: 'ied-7', unit: 0, table: 'coil', start: 0, end: 0, setsState: state, ticket: 'CHG-7' });
const book = (states: string[]) =>
  new GrantBook(
    states.map((s) => stateGrant(s, `g-${s}`)),
    keys.publicKey,
    'ied-7',
  );

interface Row {
  name: string;
  pdu: Bytes;
  states?: string[];
  policy?: Partial<GuardPolicy>;
  reason?: string;
}

const ROWS: Row[] = [
  { name: 'a read of a breaker status passes', pdu: req.read(1) },
  { name: 'getNameList passes', pdu: req.nameList(2) },
  {
    name: 'a read of a denied logical node is refused',
    pdu: req.read(3, ['F7/LPHD1$ST$PhyHealth']),
    reason: 'mms_object_denied:F7/LPHD1.PhyHealth[ST]',
  },
  {
    name: 'a service the policy does not list is refused',
    pdu: [0xa0, 5, 0x02, 1, 4, 0x80, 0],
    reason: 'mms_service_not_allowed:status',
  },
  {
    name: 'a breaker operate without any state is ungranted',
    pdu: req.operate(5, BREAKER_OPER),
    reason: 'ungranted_write:F7/XCBR1.Pos.Oper[CO]',
  },
  {
    name: 'a breaker operate under operator control passes',
    pdu: req.operate(6, BREAKER_OPER),
    states: ['operator_control'],
  },
  {
    name: 'the hotline tag forbids the breaker operate even under operator control',
    pdu: req.operate(7, BREAKER_OPER),
    states: ['operator_control', 'hotline_feeder7'],
    reason: 'state_forbids:hotline_feeder7',
  },
  {
    name: 'an Oper without SBOw where SBO is required is refused',
    pdu: req.operate(8, SWITCH_OPER),
    states: ['operator_control'],
    reason: 'operate_without_select:F7/CSWI1.Pos',
  },
  {
    name: 'a write outside the allowed objects is refused',
    pdu: mms.writeRequest(9, ['F8/XCBR1$CO$Pos$Oper'], [[0x83, 1, 1]]),
    states: ['operator_control'],
    reason: 'mms_object_not_allowed:F8/XCBR1.Pos.Oper[CO]',
  },
  { name: 'a setting within bounds and on step passes', pdu: req.setting(10, 450), states: ['operator_control'] },
  {
    name: 'a setting above max is refused',
    pdu: req.setting(11, 2500),
    states: ['operator_control'],
    reason: 'value_above_max:F7/PTOC1.StrVal.setMag.f[SP]',
  },
  {
    name: 'a setting below min is refused',
    pdu: req.setting(12, 50),
    states: ['operator_control'],
    reason: 'value_below_min:F7/PTOC1.StrVal.setMag.f[SP]',
  },
  {
    name: 'a setting off the step is refused',
    pdu: req.setting(13, 475),
    states: ['operator_control'],
    reason: 'value_off_step:F7/PTOC1.StrVal.setMag.f[SP]',
  },
  {
    name: 'a setting without a state is ungranted',
    pdu: req.setting(14, 450),
    reason: 'ungranted_write:F7/PTOC1.StrVal.setMag.f[SP]',
  },
  {
    name: 'a class the policy does not allow is refused',
    pdu: req.operate(15, BREAKER_OPER),
    states: ['operator_control'],
    policy: { allowedClasses: ['read', 'write'] },
    reason: 'class_not_allowed:control',
  },
  {
    name: 'a master not allowed is refused',
    pdu: req.read(16),
    policy: { allowedMasters: ['10.0.0.9'] },
    reason: 'master_not_allowed',
  },
];

for (const row of ROWS) {
  test(`decision: ${row.name}`, () => {
    const policy = feederPolicy(row.policy);
    const d = evaluateMmsPolicy(
      mmsRequest(row.pdu),
      { master: M, nowMs: 5_000 },
      policy,
      book(row.states ?? []),
      new MmsMemory(),
    );
    assert.equal(d.reason, row.reason);
    assert.equal(d.action, row.reason ? 'block' : 'allow');
  });
}

test('report modes pass what enforce would refuse, naming the reason', () => {
  const r = mmsRequest(req.operate(1, BREAKER_OPER));
  const ctx = { master: M, nowMs: 5_000 };
  const monitor = evaluateMmsPolicy(r, ctx, feederPolicy({ mode: 'monitor' }), book([]), new MmsMemory());
  const alert = evaluateMmsPolicy(r, ctx, feederPolicy({ mode: 'alert' }), book([]), new MmsMemory());
  assert.deepEqual([monitor.action, monitor.reason], ['allow', 'ungranted_write:F7/XCBR1.Pos.Oper[CO]']);
  assert.deepEqual([alert.action, alert.reason], ['alert', 'ungranted_write:F7/XCBR1.Pos.Oper[CO]']);
});

test('select-before-operate: SBOw then Oper within the timeout passes once; late or cancelled is refused', () => {
  const guard = new MmsGuard({
    policy: feederPolicy(),
    deviceId: 'ied-7',
    grants: [stateGrant('operator_control', 'g-op')],
    grantKey: keys.publicKey,
  });
  const at = (nowMs: number) => ({ master: M, nowMs });
  const decide = (pdu: Bytes, t: number) => guard.inspect(mmsRequest(pdu), at(t)).decision;
  assert.equal(decide(req.operate(1, SWITCH_SBOW), 2_000).action, 'allow');
  assert.equal(decide(req.operate(2, SWITCH_OPER), 3_000).action, 'allow');
  // The Oper used the selection up.
  assert.equal(decide(req.operate(3, SWITCH_OPER), 3_500).reason, 'operate_without_select:F7/CSWI1.Pos');
  assert.equal(decide(req.operate(4, SWITCH_SBOW), 4_000).action, 'allow');
  assert.equal(decide(req.operate(5, SWITCH_OPER), 40_000).reason, 'select_expired:F7/CSWI1.Pos');
  assert.equal(decide(req.operate(6, SWITCH_SBOW), 41_000).action, 'allow');
  assert.equal(decide(mms.writeRequest(7, [SWITCH_CANCEL], [[0x83, 1, 0]]), 42_000).action, 'allow');
  assert.equal(decide(req.operate(8, SWITCH_OPER), 43_000).reason, 'operate_without_select:F7/CSWI1.Pos');
  // Another client's selection is not this one's.
  assert.equal(decide(req.operate(9, SWITCH_SBOW), 44_000).action, 'allow');
  assert.equal(
    guard.inspect(mmsRequest(req.operate(10, SWITCH_OPER)), { master: '10.0.0.6', nowMs: 45_000 }).decision.reason,
    'operate_without_select:F7/CSWI1.Pos',
  );
});

test('the hotline tag refuses the breaker operate while its grant is valid, and no longer once it expired', () => {
  const tag = grant(keys, {
    id: 'hot',
    deviceId: 'ied-7',
    unit: 0,
    table: 'coil',
    start: 0,
    end: 0,
    setsState: 'hotline_feeder7',
    ticket: 'CHG-7',
    notBefore: 1_000,
    expiresAt: 10_000,
  });
  const guard = new MmsGuard({
    policy: feederPolicy(),
    deviceId: 'ied-7',
    grants: [tag, stateGrant('operator_control', 'g-op')],
    grantKey: keys.publicKey,
  });
  const r = mmsRequest(req.operate(1, BREAKER_OPER));
  const during = guard.inspect(r, { master: M, nowMs: 5_000 });
  assert.equal(during.decision.reason, 'state_forbids:hotline_feeder7');
  assert.equal(during.events[0].type, 'guard.blocked');
  const after = guard.inspect(r, { master: M, nowMs: 20_000 });
  assert.equal(after.decision.action, 'allow');
  assert.deepEqual([after.decision.states, after.decision.grantIds], [['operator_control'], ['g-op']]);
});

test('rate limit per client and service', () => {
  const guard = new MmsGuard({ policy: feederPolicy(), deviceId: 'ied-7' });
  const reasons = [0, 1, 2].map(
    (i) => guard.inspect(mmsRequest(req.nameList(i)), { master: M, nowMs: 1_000 }).decision.reason,
  );
  assert.deepEqual(reasons, [undefined, undefined, 'rate_limited:getNameList']);
  assert.equal(guard.inspect(mmsRequest(req.nameList(4)), { master: M, nowMs: 2_100 }).decision.action, 'allow');
});

test('references: MMS names become IEC 61850 references; patterns name an object and what lies below it', () => {
  assert.deepEqual(referenceOf('LD0/XCBR1$CO$Pos$Oper'), { ref: 'LD0/XCBR1.Pos.Oper', fc: 'CO' });
  assert.deepEqual(referenceOf('list:LD0/LLN0$DataSet1'), { ref: 'LD0/LLN0.DataSet1' });
  assert.deepEqual(referenceOf('Vmd1'), { ref: 'Vmd1', unnamed: true });
  const oper = referenceOf('LD0/CSWI1$CO$Pos$Oper$ctlVal');
  assert.equal(within({ ref: '*/CSWI*.Pos.Oper' }, oper), true);
  assert.equal(within({ ref: '*/CSWI*.Pos', fc: ['ST'] }, oper), false);
  assert.equal(within({ ref: 'LD0/XCBR1.Pos' }, oper), false);
  // Writing the whole Pos structure touches Pos.Oper.ctlVal.
  assert.equal(overlaps({ ref: 'LD0/CSWI1.Pos.Oper.ctlVal' }, referenceOf('LD0/CSWI1$CO$Pos')), true);
  assert.equal(within({ ref: 'LD0/CSWI1.Pos.Oper.ctlVal' }, referenceOf('LD0/CSWI1$CO$Pos')), false);
});
