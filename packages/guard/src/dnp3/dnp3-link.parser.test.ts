import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dnp3LinkReassembler, dnp3FrameSize, parseDnp3LinkFrame } from './dnp3-link.parser.js';
import { fromHex, concatBytes } from '../shared/bytes.util.js';
import { apdu, fragmentFrames, linkFrame, MASTER } from './dnp3.fixture.js';

test('parses a reference link-status request (known CRC)', () => {
  // REQUEST_LINK_STATUS from 1 to 100, as captured from a real outstation conversation.
  const r = parseDnp3LinkFrame(fromHex('05640549640001007e5f'));
  assert.equal(r.kind, 'frame');
  if (r.kind !== 'frame') return;
  assert.equal(r.frame.destination, 100);
  assert.equal(r.frame.source, 1);
  assert.equal(r.frame.linkFunction, 9);
  assert.equal(r.frame.primary, true);
  assert.equal(r.frame.userData.length, 0);
});

test('user data blocks are checked and stripped of CRCs', () => {
  const data = Array.from({ length: 40 }, (_, i) => i);
  const raw = linkFrame(MASTER, data);
  assert.equal(raw.length, dnp3FrameSize(45));
  const r = parseDnp3LinkFrame(raw);
  assert.equal(r.kind, 'frame');
  if (r.kind === 'frame') assert.deepEqual([...r.frame.userData], data);
  const bad = Uint8Array.from(raw);
  bad[20] ^= 0x10;
  assert.equal((parseDnp3LinkFrame(bad) as { reason: string }).reason, 'data_crc');
  const badHead = Uint8Array.from(raw);
  badHead[4] ^= 1;
  assert.equal((parseDnp3LinkFrame(badHead) as { reason: string }).reason, 'header_crc');
  assert.equal((parseDnp3LinkFrame(raw.subarray(0, 9)) as { reason: string }).reason, 'truncated');
});

test('length below 5 is malformed', () => {
  const f = linkFrame(MASTER);
  f[2] = 4;
  assert.equal((parseDnp3LinkFrame(f) as { reason: string }).reason, 'header_crc');
});

test('reassembler: several frames in one chunk, one frame across chunks', () => {
  const r = new Dnp3LinkReassembler();
  const frames = [
    ...fragmentFrames(MASTER, apdu.readClasses(1)),
    linkFrame(MASTER),
    ...fragmentFrames(MASTER, apdu.coldRestart(2)),
  ];
  const all = frames.reduce(concatBytes);
  const out = r.push(all);
  assert.deepEqual(
    out.map((x) => x.kind),
    ['frame', 'frame', 'frame'],
  );
  const r2 = new Dnp3LinkReassembler();
  const byByte = [...all].flatMap((b) => r2.push(Uint8Array.of(b)));
  assert.equal(byByte.length, 3);
  assert.equal(r2.buffered, 0);
});

test('reassembler hunts for the start octets after garbage and corrupt headers', () => {
  const r = new Dnp3LinkReassembler();
  const good = linkFrame(MASTER);
  const corrupt = Uint8Array.from(good);
  corrupt[5] ^= 0xff;
  const out = r.push(concatBytes(concatBytes(Uint8Array.from([1, 2, 3]), corrupt), good));
  assert.deepEqual(
    out.map((x) => (x.kind === 'frame' ? 'frame' : x.reason)),
    ['no_start_octets', 'header_crc', 'no_start_octets', 'frame'],
  );
  assert.ok(r.buffered < 292);
});

test('a stream of garbage never accumulates', () => {
  const r = new Dnp3LinkReassembler();
  for (let i = 0; i < 100; i++) r.push(new Uint8Array(500).fill(0x05));
  assert.ok(r.buffered <= 1);
});
