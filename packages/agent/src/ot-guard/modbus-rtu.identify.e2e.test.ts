import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { crc16Modbus, type FieldDeviceIdentity, type GuardEvent, type GuardPolicy } from '@outpost/guard';
import { createModbusRtuBridge, type ModbusRtuBridge } from './modbus-rtu.bridge.js';
import { openSerialPort } from './serial-port.opener.js';
import type { IdentityOrigin } from './ot-guard.types.js';
import {
  plcRequests,
  pymodbusMissing,
  startPlc,
  startPtyPair,
  toolMissing,
  type Peer,
  type PtyPair,
} from './ot-guard.fixture.js';

// master (this test, raw RTU frames) <-> pty pair <-> bridge <-> pty pair <-> pymodbus RTU server.
// The bridge reads the identity in a Read Device Identification reply a master asked for
// (passive), and, once the policy enables it, asks the device itself between the master's
// transactions (active); both are recorded with the serial line the device sits on.

const skip = pymodbusMissing() ?? toolMissing('socat');
const BAUD = 19200;
const base: GuardPolicy = {
  mode: 'enforce',
  allowedClasses: ['read'],
  readOnly: true,
  onViolation: 'exception',
  version: 1,
};

function rtu(...body: number[]): Buffer {
  const crc = crc16Modbus(Uint8Array.from(body));
  return Buffer.from([...body, crc & 0xff, crc >> 8]);
}

async function waitFor<T>(what: string, probe: () => T | undefined, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('Modbus RTU bridge: field identity from a pymodbus serial device', { skip }, () => {
  let masterLine: PtyPair;
  let deviceLine: PtyPair;
  let plc: Peer;
  let ports: Duplex[] = [];
  let master: Duplex;
  let bridge: ModbusRtuBridge;
  let dir = '';
  let log = '';
  let fromDevice = Buffer.alloc(0);
  const events: GuardEvent[] = [];
  const seen: Array<{ unit: number; identity: FieldDeviceIdentity; origin?: IdentityOrigin }> = [];

  /** Sends one request as the master and collects the reply until it has `length` bytes. */
  async function ask(frame: Buffer, length: (b: Buffer) => boolean): Promise<Buffer> {
    fromDevice = Buffer.alloc(0);
    master.write(frame);
    return waitFor('the reply', () => (length(fromDevice) ? fromDevice : undefined), 10_000);
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'outpost-rtu-identify-'));
    log = join(dir, 'requests.log');
    masterLine = await startPtyPair();
    deviceLine = await startPtyPair();
    plc = await startPlc(
      'rtu',
      deviceLine.b,
      BAUD,
      { VendorName: 'Acme Serial', ProductCode: 'AS-20', MajorMinorRevision: '3.1', ProductName: 'Acme RTU 20' },
      log,
    );
    ports = [openSerialPort(masterLine.b), openSerialPort(deviceLine.a), openSerialPort(masterLine.a)];
    master = ports[2];
    master.on('data', (d: Buffer) => {
      fromDevice = Buffer.concat([fromDevice, d]);
    });
    bridge = createModbusRtuBridge({
      master: ports[0],
      device: ports[1],
      baudRate: BAUD,
      policy: base,
      deviceId: 'gw-rtu',
      onEvent: (e) => events.push(e),
      onIdentity: (_p, unit, identity, origin) => void seen.push({ unit, identity, origin }),
      interfaceLabel: `rtu:${deviceLine.a}`,
      masterLabel: 'serial:master',
    });
  });

  after(() => {
    bridge?.close();
    for (const p of ports) p.destroy();
    plc?.stop();
    masterLine?.stop();
    deviceLine?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('passive: the identity in a reply the master asked for is read on the way', async () => {
    // FC 43 / MEI 14, basic objects, from object 0, unit 1.
    const reply = await ask(rtu(1, 0x2b, 0x0e, 1, 0), (b) => b.includes(Buffer.from('3.1')) && b.length >= 20);
    assert.equal(reply[1], 0x2b, reply.toString('hex'));
    const got = await waitFor('a passive identity', () => seen.find((s) => s.origin?.source === 'passive'));
    assert.equal(got.unit, 1);
    assert.deepEqual(got.origin, { source: 'passive', interface: `rtu:${deviceLine.a}` });
    assert.deepEqual(
      [got.identity.vendor, got.identity.productCode, got.identity.revision],
      ['Acme Serial', 'AS-20', '3.1'],
    );
  });

  test('off (the default): the bridge sends nothing of its own while the line is idle', async () => {
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(plcRequests(log), [43], 'only the master asked');
    assert.equal(events.filter((e) => e.type === 'guard.identify').length, 0);
  });

  test('active: with identify on, the bridge asks the device itself and the master sees none of it', async () => {
    const masterBytes = bridge.stats().bytesFromDevice;
    fromDevice = Buffer.alloc(0);
    bridge.setPolicy({ ...base, version: 2, identify: { enabled: true, unitIds: [1], timeoutMs: 2000 } });
    const got = await waitFor('an active identity', () => seen.find((s) => s.origin?.source === 'active'));
    assert.deepEqual(got.origin, { source: 'active', interface: `rtu:${deviceLine.a}` });
    assert.equal(got.identity.productName, 'Acme RTU 20');
    assert.deepEqual(plcRequests(log), [43, 43]);
    const asked = events.filter((e) => e.type === 'guard.identify');
    assert.deepEqual(
      asked.map((e) => e.type === 'guard.identify' && [e.address, e.query, e.outcome]),
      [[1, 'modbus fc43/14 code 2 object 0', 'identified']],
    );
    assert.equal(fromDevice.length, 0, 'the answer went to the guard only');
    assert.equal(bridge.stats().bytesFromDevice, masterBytes, 'and counts nothing in the master statistics');
    // The master's reads go on as before.
    const read = await ask(rtu(1, 3, 0, 0, 0, 2), (b) => b.length >= 9);
    assert.deepEqual([read.readUInt16BE(3), read.readUInt16BE(5)], [100, 101]);
  });
});
