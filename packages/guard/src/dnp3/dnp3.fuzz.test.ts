import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../shared/prng.fixture.js';
import { concatBytes } from '../shared/bytes.util.js';
import { Dnp3LinkReassembler, MAX_LINK_FRAME, parseDnp3LinkFrame } from './dnp3-link.parser.js';
import { parseDnp3Application } from './dnp3-app.parser.js';
import { Dnp3StreamParser } from './dnp3-stream.parser.js';
import { walkObjects } from './dnp3-object.walker.js';
import { apdu, fragmentFrames, linkFrame, MASTER, OUTSTATION } from './dnp3.fixture.js';
import type { Dnp3Application } from './dnp3.types.js';

const CLASSES = new Set(['read', 'session', 'write', 'control', 'response', 'malformed', 'unknown']);

function sampleFragments(rng: Prng): number[][] {
  const seq = rng.int(16);
  return [
    apdu.readClasses(seq),
    apdu.readAnalogs(seq, 0, rng.int(100)),
    apdu.directOperate(seq, rng.int(300)),
    apdu.clearRestart(seq),
    apdu.writeTime(seq),
    apdu.coldRestart(seq),
    apdu.response(seq),
    apdu.responseUnknown(seq),
  ];
}

function sampleStream(rng: Prng): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let k = rng.int(5); k >= 0; k--) {
    const frag = rng.pick(sampleFragments(rng)).concat(rng.int(4) === 0 ? new Array(rng.int(500)).fill(0) : []);
    const frames =
      rng.int(6) === 0 ? [linkFrame(MASTER)] : fragmentFrames(rng.int(2) ? MASTER : OUTSTATION, frag, rng.int(64));
    parts.push(...frames.map((f) => (rng.int(4) === 0 ? rng.mutate(f) : f)));
  }
  if (rng.int(5) === 0) parts.push(rng.bytes(rng.int(600)));
  return parts.reduce(concatBytes, new Uint8Array(0));
}

function checkApp(a: Dnp3Application, len: number): void {
  assert.ok(CLASSES.has(a.class));
  assert.equal(a.class === 'malformed', a.malformed !== undefined);
  assert.ok(a.unparsedBytes >= 0 && a.unparsedBytes <= len);
  for (const o of a.objects) if (o.dataOffset !== undefined) assert.ok(o.dataOffset + (o.dataLength ?? 0) <= len);
  for (const r of a.ranges) assert.ok(r.count >= 1);
}

test('application parser and object walker never throw on random and mutated fragments', () => {
  const rng = new Prng(0xd9);
  for (let i = 0; i < 20_000; i++) {
    const frag =
      rng.int(3) === 0 ? rng.bytes(rng.int(300)) : rng.mutate(Uint8Array.from(rng.pick(sampleFragments(rng))));
    checkApp(parseDnp3Application(frag), frag.length);
    walkObjects(frag, rng.int(4), rng.int(2) === 0);
  }
});

test('huge counts in object headers do not loop or allocate', () => {
  const t0 = Date.now();
  for (const q of [0x09, 0x39, 0x59, 0x19, 0x02]) {
    const a = parseDnp3Application(
      Uint8Array.from([0xc0, 129, 0, 0, 30, 1, q, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
    );
    assert.ok(a.malformed !== undefined || a.unparsedBytes > 0 || a.objects.length > 0);
  }
  assert.ok(Date.now() - t0 < 100);
});

test('link reassembler: bounded and conserves bytes on mutated streams', () => {
  const rng = new Prng(0x1815);
  for (let i = 0; i < 1_500; i++) {
    const stream = sampleStream(rng);
    const r = new Dnp3LinkReassembler();
    let emitted = 0;
    for (const c of rng.chunks(stream, 64)) {
      for (const x of r.push(c)) emitted += x.kind === 'frame' ? x.frame.raw.length : x.raw.length;
      assert.ok(r.buffered < MAX_LINK_FRAME);
    }
    assert.equal(emitted + r.buffered, stream.length, 'every byte is emitted or held');
    parseDnp3LinkFrame(rng.mutate(stream.subarray(0, 300)));
  }
});

test('stream parser: chunking never changes the items, and it never throws', () => {
  const rng = new Prng(0xabc);
  for (let i = 0; i < 1_000; i++) {
    const stream = sampleStream(rng);
    const whole = new Dnp3StreamParser().push(stream);
    const p = new Dnp3StreamParser({ maxFragmentSize: 2048 });
    const chunked = rng.chunks(stream, 50).flatMap((c) => p.push(c));
    const key = (x: (typeof whole)[number]) => `${x.raw.length}:${x.malformed ?? ''}:${x.app?.function ?? ''}`;
    // A run of garbage may be reported in pieces when it arrives in pieces; compare framed items.
    const framed = (xs: typeof whole) => xs.filter((x) => x.link).map(key);
    assert.deepEqual(framed(chunked), framed(whole));
    for (const x of whole) if (x.app && x.fragment) checkApp(x.app, x.fragment.length);
  }
});
