import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../shared/prng.fixture.js';
import { concatBytes } from '../shared/bytes.util.js';
import { decodeModbusRequest } from './modbus-request.parser.js';
import { decodeModbusResponse } from './modbus-response.parser.js';
import { modbusPduLength } from './modbus-pdu.length.js';
import { MAX_TCP_ADU, ModbusTcpReassembler, parseModbusTcpAdu, type ModbusTcpFrame } from './modbus-tcp.parser.js';
import { MAX_RTU_ADU, ModbusRtuSplitter, parseModbusRtuAdu } from './modbus-rtu.parser.js';
import type { ModbusPdu } from './modbus.types.js';
import { mbap, rtu, sampleRequests, sampleResponses } from './modbus.fixture.js';

const CLASSES = new Set(['read', 'write', 'control', 'malformed', 'unknown']);

function checkPdu(p: ModbusPdu): void {
  assert.ok(CLASSES.has(p.class), `class ${p.class}`);
  assert.equal(p.class === 'malformed', p.malformed !== undefined);
  if (p.class === 'malformed') return;
  for (const r of p.ranges) assert.ok(r.count >= 1 && r.start + r.count <= 0x10000, 'range inside the address space');
}

function randomPdu(rng: Prng): Uint8Array {
  const pick = rng.int(3);
  if (pick === 0) return rng.bytes(rng.int(260));
  const base = Uint8Array.from(rng.pick(pick === 1 ? sampleRequests() : sampleResponses()));
  return rng.mutate(base);
}

test('PDU decoders never throw and keep their invariants', () => {
  const rng = new Prng(0xb0d);
  for (let i = 0; i < 20_000; i++) {
    const pdu = randomPdu(rng);
    checkPdu(decodeModbusRequest(pdu));
    const r = decodeModbusResponse(pdu);
    assert.ok(CLASSES.has(r.class));
    const len = modbusPduLength(pdu, rng.pick(['request', 'response'] as const));
    assert.ok(len === 'more' || len === 'unknown' || (Number.isInteger(len) && len >= 1 && len <= 1 + 255 + 0xffff));
  }
});

test('valid sample PDUs decode without being malformed', () => {
  for (const p of sampleRequests())
    assert.equal(decodeModbusRequest(Uint8Array.from(p)).malformed, undefined, `fc ${p[0]}`);
  for (const p of sampleResponses())
    assert.equal(decodeModbusResponse(Uint8Array.from(p)).malformed, undefined, `fc ${p[0]}`);
});

function rawLength(frames: ModbusTcpFrame[]): number {
  return frames.reduce((n, f) => n + (f.kind === 'adu' ? f.adu.raw.length : f.raw.length), 0);
}

test('TCP reassembler: bounded, conserves bytes, never throws on mutated streams', () => {
  const rng = new Prng(0x7c9);
  for (let i = 0; i < 1_500; i++) {
    const r = new ModbusTcpReassembler(rng.pick(['request', 'response'] as const));
    let stream: Uint8Array = new Uint8Array(0);
    for (let k = rng.int(6); k >= 0; k--) {
      const adu = mbap(rng.int(65536), rng.int(256), rng.pick(sampleRequests()));
      stream = concatBytes(stream, rng.int(3) === 0 ? rng.mutate(adu) : adu);
    }
    let emitted = 0;
    for (const chunk of rng.chunks(stream, 40)) {
      const out = r.push(chunk);
      emitted += rawLength(out);
      for (const f of out)
        if (f.kind === 'adu') {
          assert.ok(f.adu.raw.length <= MAX_TCP_ADU);
          checkPdu(f.adu.pdu);
        }
      assert.ok(r.buffered < MAX_TCP_ADU);
    }
    assert.equal(emitted + r.buffered, stream.length, 'every byte is emitted or held');
    parseModbusTcpAdu(rng.mutate(stream.subarray(0, 300)), 'request');
  }
});

test('TCP reassembler: chunking never changes the result for valid streams', () => {
  const rng = new Prng(0x5eed);
  for (let i = 0; i < 1_000; i++) {
    const adus = Array.from({ length: 1 + rng.int(8) }, () =>
      mbap(rng.int(65536), rng.int(256), rng.pick(sampleRequests())),
    );
    const stream = adus.reduce(concatBytes);
    const r = new ModbusTcpReassembler('request');
    const out = rng.chunks(stream, 64).flatMap((c) => r.push(c));
    assert.deepEqual(
      out.map((f) => (f.kind === 'adu' ? [...f.adu.raw] : f.reason)),
      adus.map((a) => [...a]),
    );
  }
});

test('RTU splitter and parser: bounded, never throw', () => {
  const rng = new Prng(0x4a7);
  for (let i = 0; i < 1_500; i++) {
    const dir = rng.pick(['request', 'response'] as const);
    const s = new ModbusRtuSplitter({
      direction: dir,
      baudRate: rng.pick([9600, 19200, 115200]),
      lengthFraming: rng.int(4) !== 0,
    });
    let now = 0;
    for (let k = rng.int(6); k >= 0; k--) {
      const frame = rtu(rng.int(248), rng.pick(dir === 'request' ? sampleRequests() : sampleResponses()));
      const bytes = rng.int(3) === 0 ? rng.mutate(frame) : rng.int(8) === 0 ? rng.bytes(rng.int(400)) : frame;
      for (const c of rng.chunks(bytes, 32)) {
        now += rng.next() * 3;
        for (const f of s.push(c, now)) if (f.kind === 'adu') checkPdu(f.adu.pdu);
        assert.ok(s.buffered <= MAX_RTU_ADU);
      }
    }
    s.flush(now, true);
    assert.equal(s.buffered, 0);
    parseModbusRtuAdu(rng.bytes(rng.int(300)), dir);
  }
});

test('valid RTU frames back to back are split by length alone', () => {
  const rng = new Prng(0x77);
  for (let i = 0; i < 500; i++) {
    const frames = Array.from({ length: 1 + rng.int(5) }, () =>
      rtu(1 + rng.int(247), rng.pick(sampleRequests().filter((p) => p[0] !== 99 && p[0] !== 20 && p[0] !== 8))),
    );
    const s = new ModbusRtuSplitter({ direction: 'request', baudRate: 9600 });
    const out = rng.chunks(frames.reduce(concatBytes), 20).flatMap((c) => s.push(c, 0));
    assert.deepEqual(
      out.map((f) => (f.kind === 'adu' ? [...f.adu.raw] : f.reason)),
      frames.map((f) => [...f]),
    );
  }
});
