import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModbusTcpReassembler, parseModbusTcpAdu, type ModbusTcpFrame } from './modbus-tcp.parser.js';
import { mbap, req } from './modbus.fixture.js';
import { concatBytes } from '../shared/bytes.util.js';

const tids = (frames: ModbusTcpFrame[]) => frames.map((f) => (f.kind === 'adu' ? f.adu.transactionId : f.reason));

test('parses one ADU', () => {
  const f = parseModbusTcpAdu(mbap(0x1234, 9, req.read(3, 100, 4)), 'request');
  assert.equal(f.kind, 'adu');
  if (f.kind !== 'adu') return;
  assert.equal(f.adu.transactionId, 0x1234);
  assert.equal(f.adu.unit, 9);
  assert.equal(f.adu.pdu.fc, 3);
  assert.equal(f.adu.raw.length, 12);
});

test('several ADUs in one chunk come out in order', () => {
  const r = new ModbusTcpReassembler('request');
  const chunk = concatBytes(
    concatBytes(mbap(1, 1, req.read(3, 0, 1)), mbap(2, 1, req.writeCoil(1, true))),
    mbap(3, 1, req.plain(17)),
  );
  assert.deepEqual(tids(r.push(chunk)), [1, 2, 3]);
  assert.equal(r.buffered, 0);
});

test('an ADU split across chunks is reassembled, byte by byte too', () => {
  const r = new ModbusTcpReassembler('request');
  const adu = mbap(7, 1, req.writeRegisters(0, [1, 2, 3, 4]));
  const out: ModbusTcpFrame[] = [];
  for (const b of adu) out.push(...r.push(Uint8Array.of(b)));
  assert.deepEqual(tids(out), [7]);
  if (out[0].kind === 'adu') assert.deepEqual(out[0].adu.raw, adu);
});

test('a trailing partial ADU is held, never more than one ADU', () => {
  const r = new ModbusTcpReassembler('request');
  const a = mbap(1, 1, req.read(3, 0, 1));
  const b = mbap(2, 1, req.read(3, 0, 2));
  assert.deepEqual(tids(r.push(concatBytes(a, b.subarray(0, 5)))), [1]);
  assert.equal(r.buffered, 5);
  assert.deepEqual(tids(r.push(b.subarray(5))), [2]);
});

test('oversized or impossible length fields are malformed and the chunk is discarded', () => {
  const r = new ModbusTcpReassembler('request');
  const big = Uint8Array.from([0, 1, 0, 0, 0x01, 0x00, 1, 3]); // length 256 > 254
  assert.deepEqual(tids(r.push(big)), ['mbap_length']);
  assert.equal(r.buffered, 0);
  assert.deepEqual(tids(r.push(Uint8Array.from([0, 1, 0, 0, 0, 1, 1]))), ['mbap_length']);
  assert.deepEqual(tids(r.push(Uint8Array.from([0, 1, 0, 9, 0, 6]))), ['mbap_protocol_id']);
  // Resync: the next chunk starts a fresh ADU.
  assert.deepEqual(tids(r.push(mbap(5, 1, req.read(3, 0, 1)))), [5]);
});

test('a bad header after good ADUs keeps the good ones', () => {
  const r = new ModbusTcpReassembler('request');
  const out = r.push(concatBytes(mbap(1, 1, req.read(3, 0, 1)), Uint8Array.from([0xaa, 0xbb, 0xcc, 0xdd, 0, 6, 1, 3])));
  assert.deepEqual(tids(out), [1, 'mbap_protocol_id']);
});

test('single-shot parser reports truncation and length mismatch', () => {
  const adu = mbap(1, 1, req.read(3, 0, 1));
  assert.equal((parseModbusTcpAdu(adu.subarray(0, 5), 'request') as { reason: string }).reason, 'truncated');
  assert.equal(
    (parseModbusTcpAdu(adu.subarray(0, 10), 'request') as { reason: string }).reason,
    'mbap_length_mismatch',
  );
});
