import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModbusRtuSplitter, parseModbusRtuAdu, rtuFrameGapMs, type ModbusRtuFrame } from './modbus-rtu.parser.js';
import { buildModbusRtuException, buildModbusTcpException } from './modbus-exception.builder.js';
import { modbusPduLength } from './modbus-pdu.length.js';
import { req, res, rtu, sampleRequests, sampleResponses } from './modbus.fixture.js';
import { concatBytes } from '../shared/bytes.util.js';

const kinds = (f: ModbusRtuFrame[]) => f.map((x) => (x.kind === 'adu' ? `fc${x.adu.pdu.fc}` : x.reason));

test('frame gap: 3.5 characters of 11 bits, fixed 1.75 ms above 19200 baud', () => {
  assert.ok(Math.abs(rtuFrameGapMs(9600) - 4.0104) < 0.001);
  assert.equal(rtuFrameGapMs(38400), 1.75);
  assert.equal(rtuFrameGapMs(115200), 1.75);
});

test('parses a frame and checks the CRC (known vector)', () => {
  // Read holding registers 0x006B x3 from unit 0x11: the spec example, CRC 0x8776 sent as 76 87.
  const frame = rtu(0x11, req.read(3, 0x6b, 3));
  assert.deepEqual([...frame.subarray(6)], [0x76, 0x87]);
  const f = parseModbusRtuAdu(frame, 'request');
  assert.equal(f.kind, 'adu');
  const bad = Uint8Array.from(frame);
  bad[7] ^= 1;
  assert.equal((parseModbusRtuAdu(bad, 'request') as { reason: string }).reason, 'bad_crc');
  assert.equal((parseModbusRtuAdu(frame.subarray(0, 3), 'request') as { reason: string }).reason, 'truncated');
});

test('silence ends a frame when the length cannot be derived', () => {
  const s = new ModbusRtuSplitter({ direction: 'request', baudRate: 9600 });
  const frame = rtu(1, [99, 1, 2, 3]);
  assert.deepEqual(s.push(frame, 0), []);
  assert.deepEqual(s.flush(2), []);
  assert.deepEqual(kinds(s.flush(5)), ['fc99']);
});

test('length-based framing splits back-to-back frames without waiting', () => {
  const s = new ModbusRtuSplitter({ direction: 'request', baudRate: 9600 });
  const a = rtu(1, req.read(3, 0, 2));
  const b = rtu(1, req.writeRegisters(0, [1, 2]));
  assert.deepEqual(kinds(s.push(concatBytes(a, b), 0)), ['fc3', 'fc16']);
  assert.equal(s.buffered, 0);
});

test('a gap between partial frames separates them', () => {
  const s = new ModbusRtuSplitter({ direction: 'response', baudRate: 19200, lengthFraming: false });
  const frame = rtu(1, res.readRegisters(3, [1, 2]));
  s.push(frame.subarray(0, 4), 0);
  assert.deepEqual(kinds(s.push(frame.subarray(4), 1)), []);
  assert.deepEqual(kinds(s.push(frame, 10)), ['fc3']);
  assert.deepEqual(kinds(s.flush(20)), ['fc3']);
});

test('bad CRC is reported as malformed after the silence', () => {
  const s = new ModbusRtuSplitter({ direction: 'request', baudRate: 9600 });
  const frame = rtu(1, req.read(3, 0, 2));
  frame[frame.length - 1] ^= 0xff;
  assert.deepEqual(s.push(frame, 0), []);
  assert.deepEqual(kinds(s.flush(100)), ['bad_crc']);
});

test('more than 256 bytes without a gap is malformed and discarded', () => {
  const s = new ModbusRtuSplitter({ direction: 'request', baudRate: 9600 });
  assert.deepEqual(kinds(s.push(new Uint8Array(300).fill(0x41), 0)), ['frame_too_long']);
  assert.equal(s.buffered, 0);
});

test('derived PDU lengths agree with the sample frames', () => {
  for (const p of sampleRequests()) {
    const len = modbusPduLength(Uint8Array.from(p), 'request');
    if (typeof len === 'number') assert.equal(len, p.length, `request fc ${p[0]}`);
  }
  for (const p of sampleResponses()) {
    const len = modbusPduLength(Uint8Array.from(p), 'response');
    if (typeof len === 'number') assert.equal(len, p.length, `response fc ${p[0]}`);
  }
});

test('exception builders', () => {
  assert.deepEqual([...buildModbusTcpException(0x0102, 5, 6, 2)], [1, 2, 0, 0, 0, 3, 5, 0x86, 2]);
  const r = buildModbusRtuException(5, 6, 1);
  assert.equal(parseModbusRtuAdu(r, 'response').kind, 'adu');
});
