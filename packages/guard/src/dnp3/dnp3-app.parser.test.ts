import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDnp3Application } from './dnp3-app.parser.js';
import { Dnp3StreamParser } from './dnp3-stream.parser.js';
import { Dnp3TransportReassembler } from './dnp3-transport.reassembler.js';
import { parseDnp3LinkFrame } from './dnp3-link.parser.js';
import { apdu, fragmentFrames, linkFrame, MASTER, OUTSTATION } from './dnp3.fixture.js';
import type { Dnp3LinkFrame } from './dnp3.types.js';

const app = (b: number[]) => parseDnp3Application(Uint8Array.from(b));
const frameOf = (raw: Uint8Array): Dnp3LinkFrame => {
  const r = parseDnp3LinkFrame(raw);
  if (r.kind !== 'frame') throw new Error(r.reason);
  return r.frame;
};

test('READ of class data: four headers, no data, a read', () => {
  const a = app(apdu.readClasses(3));
  assert.equal(a.class, 'read');
  assert.equal(a.seq, 3);
  assert.ok(a.fir && a.fin);
  assert.deepEqual(
    a.objects.map((o) => [o.group, o.variation, o.qualifier]),
    [
      [60, 2, 6],
      [60, 3, 6],
      [60, 4, 6],
      [60, 1, 6],
    ],
  );
});

test('READ with a start/stop range maps to an input range', () => {
  const a = app(apdu.readAnalogs(1, 0, 9));
  assert.deepEqual(a.ranges, [{ table: 'input', start: 0, count: 10, access: 'read' }]);
});

test('DIRECT_OPERATE of a CROB: control with a written coil index', () => {
  const a = app(apdu.directOperate(2, 17));
  assert.equal(a.class, 'control');
  assert.equal(a.function, 5);
  assert.equal(a.objects[0].dataLength, 13);
  assert.deepEqual(a.ranges, [{ table: 'coil', start: 17, count: 1, access: 'write' }]);
});

test('WRITE, restart and responses', () => {
  // Clearing the restart indication is session maintenance; a WRITE of an output point is a write.
  assert.equal(app(apdu.clearRestart(0)).class, 'session');
  assert.equal(app([0xc0, 2, 10, 1, 0x00, 2, 2, 0x81]).class, 'write');
  assert.equal(app(apdu.writeTime(0)).objects[0].dataLength, 6);
  assert.equal(app(apdu.coldRestart(0)).class, 'control');
  const r = app(apdu.response(4));
  assert.equal(r.class, 'response');
  assert.equal(r.iin, 0x9000);
  assert.equal(r.objects[0].count, 2);
  assert.equal(r.unparsedBytes, 0);
});

test('unknown object sizes stop the walk without being malformed', () => {
  const r = app(apdu.responseUnknown(1));
  assert.equal(r.malformed, undefined);
  assert.equal(r.objects.length, 2);
  assert.ok(r.unparsedBytes > 0);
});

test('truncated objects and bad qualifiers are malformed', () => {
  assert.equal(app(apdu.response(1).slice(0, 12)).malformed, 'object_data_truncated');
  assert.equal(app([0xc0, 1, 30, 1]).malformed, 'object_header_truncated');
  assert.equal(app([0xc0, 1, 30, 1, 0x0a]).malformed, 'object_qualifier');
  assert.equal(app([0xc0, 1, 30, 1, 0x00, 5, 2]).malformed, 'object_range');
  assert.equal(app([0xc0]).malformed, 'app_header_truncated');
  assert.equal(app([0xc0, 129, 0]).malformed, 'app_header_truncated');
  assert.equal(app([0xc0, 77]).class, 'unknown');
});

test('file operations: delete is a write, open for writing is a write', () => {
  assert.equal(app([0xc0, 27, 70, 3, 0x5b, 1, 0, 0]).class, 'write');
  const cmd = new Array<number>(26).fill(0);
  cmd[20] = 2; // mode write
  assert.equal(app([0xc0, 25, 70, 3, 0x5b, 1, 26, 0, ...cmd]).class, 'write');
  cmd[20] = 1; // mode read
  assert.equal(app([0xc0, 25, 70, 3, 0x5b, 1, 26, 0, ...cmd]).class, 'control');
});

test('transport: multi-segment reassembly, sequence errors, size bound', () => {
  const big = apdu.response(1).concat(new Array(600).fill(0));
  const frames = fragmentFrames(OUTSTATION, big, 10, 249).map(frameOf);
  const t = new Dnp3TransportReassembler();
  const kinds = frames.map((f) => t.push(f).kind);
  assert.deepEqual(kinds, ['partial', 'partial', 'fragment']);
  const t2 = new Dnp3TransportReassembler();
  t2.push(frames[0]);
  assert.equal((t2.push(frames[2]) as { reason: string }).reason, 'transport_sequence');
  assert.equal((t2.push(frames[1]) as { reason: string }).reason, 'transport_no_first_segment');
  const t3 = new Dnp3TransportReassembler({ maxFragmentSize: 300 });
  t3.push(frames[0]);
  assert.equal((t3.push(frames[1]) as { reason: string }).reason, 'fragment_too_large');
  assert.equal(t.push(frameOf(linkFrame(MASTER))).kind, 'none');
});

test('stream parser yields one item per link frame with the app on the last', () => {
  const p = new Dnp3StreamParser();
  const frames = fragmentFrames(OUTSTATION, apdu.response(2).concat(new Array(300).fill(0)), 0, 249);
  const items = frames.flatMap((f) => p.push(f));
  assert.equal(items.length, 2);
  assert.equal(items[0].app, undefined);
  assert.equal(items[1].app?.function, 129);
  assert.equal(items[1].link?.source, 4);
});
