import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../shared/prng.fixture.js';
import { buildPcap, ethernetFrame } from '../capture/capture.fixture.js';
import { inspectCapture } from '../capture/capture.inspector.js';
import { readTlv } from './ber.reader.js';
import { decodeGoose } from './goose.decoder.js';
import { decodeUpperLayers } from './iso-upper.decoder.js';
import { decodeMms } from './mms.decoder.js';
import { TpktReassembler, MAX_TSDU } from './tpkt.reassembler.js';
import { data, gooseApdu, gooseFrame } from './iec61850.fixture.js';
import { goose } from './iec61850-capture.fixture.js';
import { randomGoose } from './iec61850-random.fixture.js';
import { cotpData, mms, sessionAccept, sessionConnect, sessionData } from './mms.fixture.js';

// Garbage never crashes the decoders and never grows their memory: random bytes, mutated
// valid frames and random TCP chunking, many thousands of each (seeded: same run every time).

const ROUNDS = 4000;

function validMmsTsdus(): number[][] {
  return [
    sessionConnect(mms.initiateRequest()),
    sessionAccept(mms.initiateResponse()),
    sessionData(mms.readRequest(1, ['LD0/XCBR1$ST$Pos$stVal', 'v'])),
    sessionData(mms.readResponse(1, [data.structure(data.boolean(true), data.float(1.5)), data.integer(3)])),
    sessionData(mms.writeRequest(2, ['LD0/CSWI1$CO$Pos$Oper'], [data.structure(data.boolean(true))])),
    sessionData(mms.writeResponse(2, [true, false])),
    sessionData(mms.getNameListRequest(3, 0, 'LD0', 'LLN0')),
    sessionData(mms.getNameListResponse(3, ['a', 'b'], true)),
    sessionData(mms.attributesRequest(4, 'LD0/XCBR1')),
    sessionData(mms.attributesResponse(4)),
    sessionData(mms.informationReport('RPT', [data.visible('r'), data.array(data.integer(1))])),
  ];
}

function decodeTsdu(tsdu: Uint8Array): void {
  const up = decodeUpperLayers(tsdu);
  if (up.ok && up.mms) decodeMms(up.mms.b, up.mms.pdu);
}

test('random and mutated GOOSE APDUs never throw', () => {
  const rng = new Prng(0x61850);
  let decoded = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const valid = Uint8Array.from(gooseApdu(randomGoose(rng)));
    const input = rng.int(4) === 0 ? rng.bytes(rng.int(300)) : rng.mutate(valid);
    const r = decodeGoose(input);
    if (r.ok) {
      decoded++;
      assert.ok(r.goose.allData.length <= 4096);
      assert.ok(r.goose.gocbRef.length <= 256 * 4);
    } else assert.match(r.reason, /^(goose|ber|mms)_/);
  }
  assert.ok(decoded > 0, 'some mutations still decode');
});

test('random and mutated MMS TSDUs and BER never throw', () => {
  const rng = new Prng(9506);
  const valid = validMmsTsdus();
  for (let i = 0; i < ROUNDS; i++) {
    const tsdu = rng.int(5) === 0 ? rng.bytes(rng.int(200)) : rng.mutate(Uint8Array.from(rng.pick(valid)));
    decodeTsdu(tsdu);
    const t = readTlv(tsdu, 0, tsdu.length);
    if (t.ok) decodeMms(tsdu, t.tlv);
  }
});

test('TPKT reassembly of random chunks stays bounded', () => {
  const rng = new Prng(1006);
  const valid = validMmsTsdus();
  for (let i = 0; i < 300; i++) {
    const r = new TpktReassembler();
    const stream: number[] = [];
    for (let k = 0; k < 1 + rng.int(6); k++) stream.push(...cotpData(rng.pick(valid), 1 + rng.int(200)));
    const bytes = rng.int(2) === 0 ? rng.mutate(Uint8Array.from(stream)) : Uint8Array.from(stream);
    for (const chunk of rng.chunks(bytes, 64)) {
      for (const item of r.push(chunk)) if (item.kind === 'tpdu' && item.cotp === 'DT') decodeTsdu(item.data);
      assert.ok(r.buffered <= MAX_TSDU + 0x10000 + 64);
    }
  }
});

test('captures of mutated GOOSE and MMS frames inspect without throwing', () => {
  const rng = new Prng(0x88b8);
  const valid = validMmsTsdus();
  for (let i = 0; i < 200; i++) {
    const frames = Array.from({ length: 1 + rng.int(10) }, (_, k) => {
      const g = gooseFrame(goose(rng.int(5), rng.int(5), rng.int(2) === 1));
      const m = ethernetFrame({
        src: '10.0.0.1',
        dst: '10.0.0.2',
        sport: 40000,
        dport: 102,
        seq: 1 + k * 500,
        payload: cotpData(rng.pick(valid)),
      });
      const frame = rng.int(2) === 0 ? g : m;
      return { data: rng.int(2) === 0 ? rng.mutate(frame) : frame, tsUs: 1e15 + k };
    });
    const report = inspectCapture(buildPcap(frames));
    for (const row of report.rows) assert.ok(row.malformed === undefined || typeof row.malformed === 'string');
  }
});
