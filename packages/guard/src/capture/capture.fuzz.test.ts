import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../shared/prng.fixture.js';
import { readCapture } from './pcap.reader.js';
import { decodePacket } from './packet.decoder.js';
import { inspectCapture } from './capture.inspector.js';
import { TcpDirectionTracker } from './tcp-stream.tracker.js';
import { buildPcap, buildPcapng, ethernetFrame, type PacketSpec } from './capture.fixture.js';
import { mbap, sampleRequests, sampleResponses } from '../modbus/modbus.fixture.js';
import { apdu, fragmentFrames, MASTER, OUTSTATION } from '../dnp3/dnp3.fixture.js';
import { enforceReadOnly } from '../policy/policy.fixture.js';

function randomPacket(rng: Prng, seq: number): PacketSpec {
  const modbus = rng.int(2) === 0;
  const toServer = rng.int(2) === 0;
  const port = modbus ? 502 : 20000;
  const payload = modbus
    ? mbap(rng.int(65536), rng.int(256), rng.pick(toServer ? sampleRequests() : sampleResponses()))
    : fragmentFrames(
        toServer ? MASTER : OUTSTATION,
        rng.pick([apdu.readClasses(1), apdu.response(2), apdu.directOperate(3, 4)]),
      )[0];
  return {
    src: toServer ? '10.0.0.1' : '10.0.0.2',
    dst: toServer ? '10.0.0.2' : '10.0.0.1',
    sport: toServer ? 3000 : port,
    dport: toServer ? port : 3000,
    proto: !modbus && rng.int(3) === 0 ? 'udp' : 'tcp',
    seq,
    payload: rng.int(3) === 0 ? rng.mutate(payload) : payload,
    vlan: rng.int(4) === 0 ? rng.int(4095) : undefined,
  };
}

function randomCapture(rng: Prng): Uint8Array {
  const frames = Array.from({ length: 1 + rng.int(12) }, (_, i) => ({
    data: ethernetFrame(randomPacket(rng, 1 + i * 20)),
    tsUs: 1e15 + i,
  }));
  const file =
    rng.int(2) === 0 ? buildPcap(frames, rng.int(2) === 0, rng.int(2) === 0) : buildPcapng(frames, rng.int(2) === 0);
  return rng.int(2) === 0 ? rng.mutate(file) : file;
}

test('reader, decoder and inspector never throw on mutated captures', () => {
  const rng = new Prng(0xcafe);
  for (let i = 0; i < 1_000; i++) {
    const file = randomCapture(rng);
    const f = readCapture(file);
    for (const r of f.records) {
      assert.ok(r.data.length <= file.length);
      decodePacket(r);
    }
    const rep = inspectCapture(file, { policy: enforceReadOnly(), maxRows: 50 });
    assert.ok(rep.rows.length <= 50);
    for (const row of rep.rows) if (row.direction === 'request' && row.class) assert.ok(row.decision);
  }
});

test('random bytes as captures and as frames of every link type', () => {
  const rng = new Prng(0xfeed);
  for (let i = 0; i < 5_000; i++) {
    const bytes = rng.bytes(rng.int(200));
    if (rng.int(2) === 0) bytes.set([0xd4, 0xc3, 0xb2, 0xa1].slice(0, bytes.length));
    readCapture(bytes);
    decodePacket({
      number: 1,
      ts: 0,
      linkType: rng.pick([0, 1, 12, 101, 113, 228, 229, 276, 999]),
      originalLength: 0,
      data: bytes,
    });
  }
});

test('TCP tracker never returns bytes twice, whatever the sequence numbers', () => {
  const rng = new Prng(0x7c9);
  for (let i = 0; i < 2_000; i++) {
    const t = new TcpDirectionTracker();
    let seq = rng.int(2 ** 32);
    for (let k = 0; k < 10; k++) {
      const len = rng.int(50);
      const v = t.accept(seq >>> 0, rng.int(5) === 0 ? 0x02 : 0x18, new Uint8Array(len));
      if (v.kind === 'data') assert.ok(v.payload.length <= len);
      seq += rng.pick([len, -rng.int(60), rng.int(2 ** 31)]);
    }
  }
});
