import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { GuardEvent, GuardPolicy } from '@outpost/guard';
import { createModbusTcpProxy } from './modbus-tcp.proxy.js';
import type { GuardProxy } from './ot-guard.types.js';
import {
  mbpoll,
  mbpollValues,
  pymodbusMissing,
  rawExchange,
  readHolding,
  startPlc,
  toolMissing,
  type Peer,
} from './ot-guard.fixture.js';

// Value rules live, between mbpoll and a pymodbus PLC (holding registers 0..99 hold 100..199):
// a write above the limit is refused with ILLEGAL DATA VALUE while the same write within the
// limit passes; a step larger than allowed from the value last read through the guard is
// refused; an exception reply the response rules name becomes a guard.response event.

const skip = pymodbusMissing() ?? toolMissing('mbpoll');
const policy: GuardPolicy = {
  mode: 'enforce',
  allowedClasses: ['read', 'write'],
  readOnly: false,
  onViolation: 'exception',
  version: 11,
  schema: 2,
  values: [{ table: 'holding', start: 0, end: 9, max: 500, maxStep: 50 }],
  responses: { modbusExceptions: [2] },
};

describe('Modbus TCP guard value rules between mbpoll and a pymodbus PLC', { skip }, () => {
  let plc: Peer;
  let plcPort = 0;
  let proxy: GuardProxy;
  const events: GuardEvent[] = [];
  const poll = (args: string[], values: number[] = []) =>
    mbpoll([
      ...['-m', 'tcp', '-a', '1', '-t', '4', '-0', '-1', '-o', '1', '-p', String(proxy.address.port)],
      ...args,
      '127.0.0.1',
      ...values.map(String),
    ]);
  const write = (reg: number, value: number) => poll(['-r', String(reg)], [value]);
  const blocked = () => events.flatMap((e) => (e.type === 'guard.blocked' ? [e.reason] : []));

  before(async () => {
    plc = await startPlc('tcp');
    plcPort = Number(plc.ready);
    proxy = await createModbusTcpProxy({
      listen: { host: '127.0.0.1', port: 0 },
      upstream: { host: '127.0.0.1', port: plcPort },
      policy,
      deviceId: 'plc-1',
      onEvent: (e) => events.push(e),
    });
  });

  after(async () => {
    await proxy?.close();
    plc?.stop();
  });

  test('before anything was read through the guard, a step-limited write is refused', async () => {
    const r = await write(5, 110);
    assert.notEqual(r.code, 0);
    assert.match(r.stdout, /illegal data value/i);
    assert.deepEqual(blocked(), ['value_step_unknown:holding:5']);
    assert.deepEqual(await readHolding(plcPort, 5, 1), [105]);
  });

  test('a write above the limit is refused with ILLEGAL DATA VALUE; the same write within the limit passes', async () => {
    const read = await poll(['-r', '0', '-c', '10']);
    assert.equal(read.code, 0, read.stdout);
    assert.deepEqual(mbpollValues(read.stdout).slice(5, 6), ['5=105']);
    const over = await write(5, 501);
    assert.notEqual(over.code, 0);
    assert.match(over.stdout, /illegal data value/i);
    assert.equal(blocked().at(-1), 'value_above_max:holding:5');
    // 501 is out of bounds and 104 steps away from 105; 150 is within both.
    const ok = await write(5, 150);
    assert.equal(ok.code, 0, ok.stdout);
    assert.deepEqual(await readHolding(plcPort, 5, 1), [150]);
  });

  test('a set-point step larger than allowed from the value last read is refused', async () => {
    // The last value read through the guard is still 105: 160 is 55 away.
    const far = await write(5, 160);
    assert.notEqual(far.code, 0);
    assert.equal(blocked().at(-1), 'value_step_too_large:holding:5');
    assert.deepEqual(await readHolding(plcPort, 5, 1), [150]);
    await poll(['-r', '5', '-c', '1']);
    const near = await write(5, 160);
    assert.equal(near.code, 0, near.stdout);
    assert.deepEqual(await readHolding(plcPort, 5, 1), [160]);
  });

  test('an exception reply the response rules name raises a guard.response event', async () => {
    // Holding register 150 does not exist on the PLC: it answers ILLEGAL DATA ADDRESS.
    const { reply } = await rawExchange(proxy.address.port, Uint8Array.from([0, 9, 0, 0, 0, 6, 1, 3, 0, 150, 0, 1]));
    assert.deepEqual([...reply], [0, 9, 0, 0, 0, 3, 1, 0x83, 2]);
    const e = events.find((x) => x.type === 'guard.response');
    assert.ok(e && e.type === 'guard.response');
    assert.deepEqual([e.exceptionCode, e.fc, e.unit, e.master, e.policyVersion], [2, 3, 1, '127.0.0.1', 11]);
  });
});
