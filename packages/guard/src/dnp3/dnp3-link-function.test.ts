import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dnp3StreamParser } from './dnp3-stream.parser.js';
import { apdu, linkFrame, MASTER } from './dnp3.fixture.js';
import { requestFromDnp3 } from '../policy/guard-request.adapter.js';
import { evaluatePolicy } from '../policy/policy.engine.js';
import type { GuardPolicy } from '../policy/policy.types.js';

// IEEE 1815-2012 §9.2.4.1.3: only CONFIRMED_USER_DATA (3) and UNCONFIRMED_USER_DATA (4)
// primary frames carry user data. Data under any other function, or in a secondary frame,
// is not a request an outstation should act on, and cannot be evaluated: it fails closed.

const readOnly: GuardPolicy = {
  mode: 'enforce',
  allowedClasses: ['read'],
  readOnly: true,
  onViolation: 'drop',
  version: 1,
};
const operate = [0xc0 | 0, ...apdu.directOperate(1, 17)]; // transport header FIR|FIN, then the APDU

for (const [name, control] of [
  ['undefined primary function 5', 0xc5],
  ['undefined primary function 1', 0xc1],
  ['a secondary ACK', 0x80],
  ['a secondary LINK_STATUS', 0x8b],
  ['primary RESET_LINK_STATES', 0xc0],
] as const) {
  test(`a DIRECT_OPERATE wrapped in ${name} is malformed and blocked`, () => {
    const [item] = new Dnp3StreamParser().push(linkFrame({ ...MASTER, control }, operate));
    assert.equal(item.malformed, 'link_function_with_data');
    const req = requestFromDnp3(item);
    assert.ok(req, 'the frame is put before the policy');
    assert.equal(req.class, 'malformed');
    const d = evaluatePolicy(req, { master: '10.0.0.5', nowMs: 0 }, readOnly);
    assert.equal(d.action, 'block');
    assert.equal(d.reason, 'malformed:link_function_with_data');
  });
}

test('link service frames without data and user data frames are unchanged', () => {
  const p = new Dnp3StreamParser();
  const [status, data] = p.push(
    Uint8Array.from([...linkFrame({ ...MASTER, control: 0xc9 }), ...linkFrame(MASTER, operate)]),
  );
  assert.equal(status.malformed, undefined);
  assert.equal(requestFromDnp3(status), undefined);
  assert.equal(data.app?.function, 5);
});
