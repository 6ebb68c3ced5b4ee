import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspectCapture } from './capture.inspector.js';
import { readCapture } from './pcap.reader.js';
import { decodePacket } from './packet.decoder.js';
import { buildPcap, buildPcapng, capture, ethernetFrame, type PacketSpec } from './capture.fixture.js';
import { mbap, req, res } from '../modbus/modbus.fixture.js';
import { apdu, fragmentFrames, linkFrame, MASTER, OUTSTATION } from '../dnp3/dnp3.fixture.js';
import { concatBytes } from '../shared/bytes.util.js';
import { enforceReadOnly } from '../policy/policy.fixture.js';

const C = { src: '10.0.0.5', dst: '10.0.0.9', sport: 40000, dport: 502 };
const S = { src: '10.0.0.9', dst: '10.0.0.5', sport: 502, dport: 40000 };

test('pcap in both byte orders and both precisions, pcapng with EPB and SPB', () => {
  const frames = [{ data: ethernetFrame({ ...C, payload: [1, 2, 3] }), tsUs: 1_500_000_000_123_456 }];
  for (const little of [true, false]) {
    for (const nanos of [false, true]) {
      const f = readCapture(buildPcap(frames, little, nanos));
      assert.equal(f.format, 'pcap');
      assert.equal(f.records.length, 1);
      assert.ok(Math.abs(f.records[0].ts - 1_500_000_000_123.456) < 0.001);
    }
  }
  const ng = readCapture(buildPcapng([...frames, ...frames], true));
  assert.equal(ng.format, 'pcapng');
  assert.equal(ng.records.length, 2);
  assert.ok(Math.abs(ng.records[0].ts - 1_500_000_000_123.456) < 0.001);
  assert.deepEqual(
    ng.records.map((r) => r.number),
    [1, 2],
  );
  assert.equal(readCapture(new Uint8Array([1, 2, 3, 4, 5])).error, 'unknown_magic');
  assert.equal(readCapture(buildPcap(frames).subarray(0, 50)).error, 'truncated_record');
});

test('decodes VLAN, IPv6 and UDP, and strips Ethernet padding', () => {
  const rec = (p: PacketSpec) =>
    decodePacket({ number: 1, ts: 0, linkType: 1, originalLength: 0, data: ethernetFrame(p) });
  const v = rec({ ...C, vlan: 12, payload: [9] });
  assert.ok(v.ok && v.packet.payload.length === 1 && v.packet.srcIp === '10.0.0.5');
  const six = rec({ src: 'fe80::1', dst: '2001:db8::2:1', sport: 1, dport: 20000, proto: 'udp', payload: [1, 2] });
  assert.ok(six.ok);
  if (six.ok)
    assert.deepEqual([six.packet.srcIp, six.packet.dstIp, six.packet.transport], ['fe80::1', '2001:db8::2:1', 'udp']);
});

test('Modbus: split ADUs, several per segment, retransmissions skipped, exceptions', () => {
  const r1 = mbap(1, 1, req.read(3, 0, 4));
  const r2 = mbap(2, 1, req.writeRegister(5, 7));
  const both = concatBytes(r1, r2);
  const rows = inspectCapture(
    capture([
      { ...C, seq: 100, flags: 0x02 },
      { ...C, seq: 101, payload: both.subarray(0, 5) },
      { ...C, seq: 106, payload: both.subarray(5) },
      { ...S, seq: 500, payload: mbap(1, 1, res.readRegisters(3, [1, 2, 3, 4])) },
      { ...C, seq: 106, payload: both.subarray(5) },
      { ...S, seq: 517, payload: mbap(2, 1, res.exception(6, 2)) },
    ]),
  ).rows;
  assert.deepEqual(
    rows.map((r) => [r.frame, r.direction, r.transactionId, r.fc, r.class]),
    [
      [3, 'request', 1, 3, 'read'],
      [3, 'request', 2, 6, 'write'],
      [4, 'response', 1, 3, 'read'],
      [6, 'response', 2, 6, 'write'],
    ],
  );
  assert.equal(rows[3].exceptionCode, 2);
  assert.deepEqual(rows[0].ranges, [{ table: 'holding', start: 0, count: 4, access: 'read' }]);
  assert.equal(rows[0].src, '10.0.0.5:40000');
});

test('with a policy, request rows carry the decision', () => {
  const rows = inspectCapture(
    capture([
      { ...C, seq: 1, payload: mbap(1, 1, req.read(3, 0, 4)) },
      { ...C, seq: 13, payload: mbap(2, 1, req.writeRegister(5, 7)) },
      { ...C, seq: 25, payload: [0, 3, 0, 7, 0, 6, 1, 3] },
    ]),
    { policy: enforceReadOnly() },
  ).rows;
  assert.deepEqual(
    rows.map((r) => r.decision?.action),
    ['allow', 'block', 'block'],
  );
  assert.equal(rows[1].decision?.reason, 'ungranted_write');
  assert.equal(rows[2].malformed, 'mbap_protocol_id');
});

test('DNP3 over TCP and UDP: link addresses, fragments across frames, sequence numbers', () => {
  const M = { src: '10.0.0.5', dst: '10.0.0.9', sport: 41000, dport: 20000 };
  const O = { src: '10.0.0.9', dst: '10.0.0.5', sport: 20000, dport: 41000 };
  const resp = fragmentFrames(OUTSTATION, apdu.response(5).concat(new Array(300).fill(0)));
  const rows = inspectCapture(
    capture(
      [
        { ...M, seq: 1, payload: concatBytes(linkFrame(MASTER, []), fragmentFrames(MASTER, apdu.readClasses(5))[0]) },
        { ...O, seq: 1, payload: resp[0] },
        { ...O, seq: 1 + resp[0].length, payload: resp[1] },
        { ...M, sport: 20000, proto: 'udp', payload: fragmentFrames(MASTER, apdu.directOperate(6, 3))[0] },
      ],
      'pcapng',
    ),
  ).rows;
  assert.deepEqual(
    rows.map((r) => [r.frame, r.direction, r.linkSource, r.linkDestination, r.fc, r.appSeq]),
    [
      [1, 'request', 3, 4, undefined, undefined],
      [1, 'request', 3, 4, 1, 5],
      [2, 'response', 4, 3, undefined, undefined],
      [3, 'response', 4, 3, 129, 5],
      [4, 'request', 3, 4, 5, 6],
    ],
  );
  assert.equal(rows[4].class, 'control');
});

test('a UDP datagram ending in a partial DNP3 frame reports it', () => {
  const frame = fragmentFrames(MASTER, apdu.readClasses(1))[0];
  const rows = inspectCapture(
    capture([{ src: '1.1.1.1', dst: '2.2.2.2', sport: 5, dport: 20000, proto: 'udp', payload: frame.subarray(0, 15) }]),
  ).rows;
  assert.deepEqual(
    rows.map((r) => r.malformed),
    ['truncated'],
  );
});
