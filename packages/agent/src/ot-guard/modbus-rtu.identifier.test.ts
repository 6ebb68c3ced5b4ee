import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
import { crc16Modbus, type FieldDeviceIdentity, type GuardEvent, type GuardPolicy } from '@outpost/guard';
import { createModbusRtuBridge } from './modbus-rtu.bridge.js';
import type { IdentityOrigin } from './ot-guard.types.js';

// The RTU bridge's own identity query on a half-duplex line, with in-memory lines: a request
// the master sends while the guard's query is on the line waits until the answer is in; the
// answer goes to the guard only; the master's statistics count none of it.

function rtu(...body: number[]): Buffer {
  const crc = crc16Modbus(Uint8Array.from(body));
  return Buffer.from([...body, crc & 0xff, crc >> 8]);
}

/** A serial line end: what the bridge writes is recorded, `send` delivers bytes to the bridge. */
function line() {
  const written: Buffer[] = [];
  const d = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, cb) {
      written.push(chunk);
      cb();
    },
  });
  return { d, written, send: (b: Buffer) => d.push(b) };
}

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(ok(), `timed out waiting for ${what}`);
}

const ascii = (s: string) => [...Buffer.from(s, 'latin1')];

test('a master request during the guard query waits for the answer; the answer never reaches the master', async () => {
  const master = line();
  const device = line();
  const events: GuardEvent[] = [];
  const seen: Array<{ identity: FieldDeviceIdentity; origin?: IdentityOrigin }> = [];
  const policy: GuardPolicy = {
    mode: 'enforce',
    allowedClasses: ['read'],
    readOnly: true,
    onViolation: 'exception',
    version: 3,
    identify: { enabled: true, unitIds: [1], intervalS: 3600, timeoutMs: 2000 },
  };
  let t = 0;
  const bridge = createModbusRtuBridge({
    master: master.d,
    device: device.d,
    baudRate: 19200,
    policy,
    deviceId: 'gw',
    onEvent: (e) => events.push(e),
    onIdentity: (_p, _u, identity, origin) => void seen.push({ identity, origin }),
    interfaceLabel: 'rtu:/dev/ttyS1',
    schedulerNow: () => t,
  });
  try {
    await until('the guard query', () => device.written.length === 1);
    assert.deepEqual(device.written[0], rtu(1, 0x2b, 0x0e, 2, 0));

    const read = rtu(1, 3, 0, 0, 0, 1);
    master.send(read);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(device.written.length, 1, 'held while the query is on the line');

    device.send(rtu(1, 0x2b, 0x0e, 2, 0x82, 0, 0, 1, 0, 4, ...ascii('Acme')));
    await until('the held request', () => device.written.length === 2);
    assert.deepEqual(device.written[1], read);
    assert.equal(master.written.length, 0, 'the answer went to the guard only');
    assert.deepEqual(seen, [
      { identity: { vendor: 'Acme' }, origin: { source: 'active', interface: 'rtu:/dev/ttyS1' } },
    ]);

    const reply = rtu(1, 3, 2, 0, 100);
    device.send(reply);
    await until('the reply to the master', () => master.written.length === 1);
    assert.deepEqual(master.written[0], reply);
    const s = bridge.stats();
    assert.deepEqual([s.requests.read, s.responses, s.bytesFromDevice], [1, 1, reply.length]);
    assert.deepEqual(
      events.filter((e) => e.type === 'guard.identify').map((e) => e.type === 'guard.identify' && e.outcome),
      ['identified'],
    );
    // Within the interval nothing more is sent, however idle the line.
    t += 60_000;
    await new Promise((r) => setTimeout(r, 250));
    assert.equal(device.written.length, 2);
  } finally {
    bridge.close();
  }
});

test('a query the device does not answer times out and the held master bytes go on', async () => {
  const master = line();
  const device = line();
  const events: GuardEvent[] = [];
  let t = 0;
  const bridge = createModbusRtuBridge({
    master: master.d,
    device: device.d,
    baudRate: 19200,
    policy: {
      mode: 'enforce',
      allowedClasses: ['read'],
      readOnly: true,
      onViolation: 'exception',
      version: 3,
      identify: { enabled: true, unitIds: [7], timeoutMs: 500 },
    },
    deviceId: 'gw',
    onEvent: (e) => events.push(e),
    schedulerNow: () => t,
  });
  try {
    await until('the guard query', () => device.written.length === 1);
    const read = rtu(7, 3, 0, 0, 0, 1);
    master.send(read);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(device.written.length, 1);
    t += 500;
    await until('the held request after the timeout', () => device.written.length === 2);
    assert.deepEqual(device.written[1], read);
    assert.deepEqual(
      events.filter((e) => e.type === 'guard.identify').map((e) => e.type === 'guard.identify' && e.outcome),
      ['timeout'],
    );
  } finally {
    bridge.close();
  }
});
