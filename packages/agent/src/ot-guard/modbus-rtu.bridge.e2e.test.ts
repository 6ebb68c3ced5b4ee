import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import { signGrant, type GuardEvent, type GuardPolicy } from '@outpost/guard';
import { createModbusRtuBridge, type ModbusRtuBridge } from './modbus-rtu.bridge.js';
import { openSerialPort } from './serial-port.opener.js';
import {
  mbpoll,
  mbpollValues,
  pymodbusMissing,
  startPlc,
  startPtyPair,
  toolMissing,
  type Peer,
  type PtyPair,
} from './ot-guard.fixture.js';

// mbpoll (RTU master) <-> pty pair <-> bridge <-> pty pair <-> pymodbus serial server (device).
const skip = pymodbusMissing() ?? toolMissing('mbpoll') ?? toolMissing('socat');
const BAUD = 19200;
const readOnly: GuardPolicy = {
  mode: 'enforce',
  allowedClasses: ['read', 'write'],
  readOnly: true,
  onViolation: 'exception',
  version: 2,
};

describe('Modbus RTU bridge between mbpoll and a pymodbus serial device', { skip }, () => {
  let masterLine: PtyPair;
  let deviceLine: PtyPair;
  let plc: Peer;
  let ports: Duplex[] = [];
  let bridge: ModbusRtuBridge;
  let now = 1_700_000_000_000;
  const events: GuardEvent[] = [];
  const hub = generateKeyPairSync('ed25519');

  const rtu = (args: string[], values: number[] = []) =>
    mbpoll([
      '-m',
      'rtu',
      '-b',
      String(BAUD),
      '-P',
      'none',
      '-a',
      '1',
      '-t',
      '4',
      '-0',
      '-1',
      '-o',
      '1',
      ...args,
      masterLine.a,
      ...values.map(String),
    ]);

  before(async () => {
    masterLine = await startPtyPair();
    deviceLine = await startPtyPair();
    plc = await startPlc('rtu', deviceLine.b, BAUD);
    ports = [openSerialPort(masterLine.b), openSerialPort(deviceLine.a)];
    bridge = createModbusRtuBridge({
      master: ports[0],
      device: ports[1],
      baudRate: BAUD,
      policy: readOnly,
      deviceId: 'plc-rtu',
      trustedGrantKey: hub.publicKey,
      onEvent: (e) => events.push(e),
      clock: () => now,
      masterLabel: 'serial:master',
    });
  });

  after(() => {
    bridge?.close();
    for (const p of ports) p.destroy();
    plc?.stop();
    masterLine?.stop();
    deviceLine?.stop();
  });

  test('reads pass through the bridge', async () => {
    const r = await rtu(['-r', '0', '-c', '4']);
    assert.equal(r.code, 0, r.stdout);
    assert.deepEqual(mbpollValues(r.stdout), ['0=100', '1=101', '2=102', '3=103']);
  });

  test('an ungranted write gets an RTU exception and changes nothing', async () => {
    const w = await rtu(['-r', '2'], [777]);
    assert.notEqual(w.code, 0);
    assert.match(w.stdout, /illegal data address/i);
    assert.deepEqual(mbpollValues((await rtu(['-r', '2'])).stdout), ['2=102']);
    assert.ok(events.some((e) => e.type === 'guard.blocked' && e.master === 'serial:master'));
  });

  test('a granted write goes through until the grant expires', async () => {
    bridge.setGrants([
      signGrant(
        {
          id: 'g-rtu',
          deviceId: 'plc-rtu',
          unit: 1,
          table: 'holding',
          start: 2,
          end: 2,
          notBefore: now,
          expiresAt: now + 1_000,
          reason: 'test',
          grantedBy: 'ops',
        },
        hub.privateKey,
      ),
    ]);
    assert.equal((await rtu(['-r', '2'], [777])).code, 0);
    now += 1_000;
    assert.notEqual((await rtu(['-r', '2'], [778])).code, 0);
    assert.deepEqual(mbpollValues((await rtu(['-r', '2'])).stdout), ['2=777']);
  });

  test('line noise from the master is dropped and the bridge keeps working', async () => {
    // Noise written on the master's side of the line (a bad CRC, then stray bytes).
    writeFileSync(masterLine.a, Buffer.from([0x01, 0x03, 0x00, 0x00, 0x00, 0x02, 0xde, 0xad, 0x55, 0xaa]));
    await new Promise((r) => setTimeout(r, 50));
    const r = await rtu(['-r', '0', '-c', '2']);
    assert.equal(r.code, 0, r.stdout);
    assert.ok(events.some((e) => e.type === 'guard.malformed'));
    const stats = bridge.stats();
    assert.ok(stats.requests.read >= 4 && stats.blocked >= 2 && stats.bytesFromDevice > 0);
  });
});
