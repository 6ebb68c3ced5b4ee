import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { Dnp3StreamParser, type GuardEvent, type GuardPolicy } from '@outpost/guard';
import { createDnp3SerialBridge, type Dnp3SerialBridge } from './dnp3-serial.bridge.js';
import { openSerialPort } from './serial-port.opener.js';
import { dnp3LinkFrame, startPtyPair, toolMissing, type PtyPair } from './ot-guard.fixture.js';

// A serial DNP3 master (writing on one end of a socat pty pair) <-> bridge on the other end <->
// a DNP3 TCP outstation on 127.0.0.1. The outstation answers every request with a response of
// the same sequence number; a READ of g40 reports the set-point 100 at index 0.
const skip = toolMissing('socat');
const MASTER = 1;
const OUTSTATION = 10;

const policy: GuardPolicy = {
  mode: 'enforce',
  allowedClasses: ['read', 'write', 'control'],
  readOnly: false,
  onViolation: 'drop',
  version: 4,
  schema: 2,
  values: [
    { table: 'holding', start: 0, end: 9, min: 0, max: 1000, maxStep: 50 },
    { table: 'coil', start: 0, end: 9, crobCodes: ['trip_pulse_on', 'close_pulse_on'] },
  ],
};

// Application fragments, FIR|FIN set, one transport segment each.
const request = (apdu: number[]) => dnp3LinkFrame([0xc0, ...apdu], 0xc4, OUTSTATION, MASTER);
const readG40 = (seq: number) => [0xc0 | seq, 1, 40, 2, 0x00, 0, 0];
const setPoint = (seq: number, value: number) => [0xc0 | seq, 5, 41, 2, 0x28, 1, 0, 0, 0, value & 0xff, value >> 8, 0];
const crob = (seq: number, code: number) => [
  0xc0 | seq,
  5,
  12,
  1,
  0x28,
  1,
  0,
  2,
  0,
  code,
  1,
  100,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
];

function answer(apdu: Uint8Array): number[] {
  const seq = apdu[0] & 0x0f;
  const head = [0xc0 | seq, 129, 0, 0];
  if (apdu[1] === 1) return [...head, 40, 2, 0x00, 0, 0, 0x01, 100, 0];
  return [...head, ...apdu.subarray(2)];
}

describe('DNP3 serial bridge between a serial master and a DNP3 TCP outstation', { skip }, () => {
  let line: PtyPair;
  let outstation: Server;
  let deviceSocket: Socket;
  let masterPort: Duplex;
  let bridgePort: Duplex;
  let bridge: Dnp3SerialBridge;
  const seenByOutstation: number[][] = [];
  const toMaster = new Dnp3StreamParser();
  const replies: number[] = [];
  const events: GuardEvent[] = [];

  before(async () => {
    outstation = createServer((s) => {
      const parser = new Dnp3StreamParser();
      s.on('data', (chunk) => {
        for (const item of parser.push(chunk)) {
          if (!item.fragment) continue;
          seenByOutstation.push([...item.fragment]);
          s.write(dnp3LinkFrame([0xc0, ...answer(item.fragment)], 0x44, MASTER, OUTSTATION));
        }
      });
    });
    await new Promise<void>((r) => outstation.listen(0, '127.0.0.1', r));
    const { port } = outstation.address() as { port: number };
    deviceSocket = connect(port, '127.0.0.1');
    await new Promise<void>((r, j) => deviceSocket.once('connect', r).once('error', j));
    line = await startPtyPair();
    masterPort = openSerialPort(line.a);
    bridgePort = openSerialPort(line.b);
    masterPort.on('data', (d: Buffer) => {
      for (const item of toMaster.push(d)) if (item.app) replies.push(item.app.seq);
    });
    bridge = createDnp3SerialBridge({
      master: bridgePort,
      device: deviceSocket,
      policy,
      deviceId: 'rtu-serial',
      onEvent: (e) => events.push(e),
      masterLabel: 'serial:master',
    });
  });

  after(async () => {
    bridge?.close();
    masterPort?.destroy();
    bridgePort?.destroy();
    deviceSocket?.destroy();
    line?.stop();
    await new Promise((r) => (outstation ? outstation.close(r) : r(undefined)));
  });

  // Sends one request from the master; resolves when its reply arrived or, for a dropped one,
  // when a READ sent after it was answered (the line keeps order).
  async function send(apdu: number[]): Promise<boolean> {
    const seq = apdu[0] & 0x0f;
    masterPort.write(request(apdu));
    const probe = (seq + 8) & 0x0f;
    masterPort.write(request(readG40(probe)));
    const deadline = Date.now() + 20_000;
    while (!replies.includes(probe)) {
      if (Date.now() > deadline) throw new Error(`no reply to the probe read ${probe}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const answered = replies.includes(seq);
    replies.length = 0;
    return answered;
  }

  test('a read passes and its reply (g40 = 100) reaches the master and the guard', async () => {
    assert.equal(await send(readG40(1)), true);
    assert.ok(seenByOutstation.some((f) => f[1] === 1));
  });

  test('a set-point within the step passes; a larger step and a forbidden CROB code never reach the outstation', async () => {
    assert.equal(await send(setPoint(2, 140)), true);
    const before = seenByOutstation.length;
    assert.equal(await send(setPoint(3, 151)), false);
    assert.equal(await send(crob(4, 0x03)), false);
    assert.equal(await send(crob(5, 0x41)), true);
    // Only the probe reads and the allowed CROB reached the outstation after the refusals.
    assert.deepEqual(
      seenByOutstation.slice(before).map((f) => f[1]),
      [1, 1, 5, 1],
    );
    const blocked = events.filter((e) => e.type === 'guard.blocked').map((e) => ('reason' in e ? e.reason : ''));
    assert.deepEqual(blocked, ['value_step_too_large:holding:0', 'crob_code_not_allowed:latch_on:coil:2']);
    assert.ok(events.every((e) => !('master' in e) || e.master === 'serial:master'));
  });

  test('line noise is dropped and the bridge keeps working; the session counts what it saw', async () => {
    masterPort.write(Buffer.from([0x05, 0x64, 0x05, 0xc4, 0xde, 0xad, 0x55, 0xaa, 0x12, 0x34]));
    assert.equal(await send(readG40(6)), true);
    const s = bridge.stats();
    assert.ok(s.blocked >= 2 && s.requests.read >= 6 && s.bytesFromDevice > 0, JSON.stringify(s));
  });
});
