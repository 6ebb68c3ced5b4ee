import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAccessTarget } from './access-target.js';
import {
  decodeFrame,
  decodeSize,
  encodeFrame,
  encodeSize,
  FrameType,
  RELAY_MAX_DATA,
  readU32,
  u32,
} from './access-messages.js';

describe('access targets', () => {
  it('accepts one service on one device and normalizes it', () => {
    const ok = (text: string, norm = text) => {
      const r = parseAccessTarget(text);
      assert.ok(r.ok, `${text}: ${!r.ok ? r.message : ''}`);
      assert.equal(r.text, norm);
    };
    ok('console');
    ok('serial:ttyS1');
    ok('tcp:502');
    ok('tcp:0502', 'tcp:502');
    ok('tcp:PLC-7.Site.example:502', 'tcp:plc-7.site.example:502');
    ok('tcp:192.168.10.20:44818');
  });

  it('refuses subnets, ranges, wildcards and anything that is not one host', () => {
    for (const bad of [
      'tcp:10.0.0.0/24:502',
      'tcp:*:502',
      'tcp:10.0.0.*:502',
      'tcp:0.0.0.0:502',
      'tcp:224.0.0.1:502',
      'tcp:255.255.255.255:80',
      'tcp:300.1.1.1:80',
      'tcp:0',
      'tcp:65536',
      'tcp:80-90',
      'tcp:host:80:81',
      'tcp:-bad-.example:80',
      'tcp:1.2.3:80',
      'serial:../../etc/passwd',
      'serial:',
      'udp:53',
      'shell',
      '',
    ]) {
      assert.equal(parseAccessTarget(bad).ok, false, bad);
    }
  });
});

describe('relay frames', () => {
  it('round-trips every frame type', () => {
    const data = Uint8Array.from([1, 2, 3]);
    for (const [type, payload] of [
      [FrameType.Open, encodeSize(120, 40)],
      [FrameType.Data, data],
      [FrameType.Close, new Uint8Array(0)],
      [FrameType.Window, u32(65536)],
      [FrameType.Resize, encodeSize(80, 24)],
    ] as const) {
      const f = decodeFrame(encodeFrame(type, 7, payload));
      assert.ok(f);
      assert.equal(f.type, type);
      assert.equal(f.stream, 7);
      assert.deepEqual([...f.payload], [...payload]);
    }
    assert.equal(readU32(decodeFrame(encodeFrame(FrameType.Window, 1, u32(123456)))!.payload), 123456);
    assert.deepEqual(decodeSize(encodeSize(132, 43)), { cols: 132, rows: 43 });
  });

  it('rejects malformed frames', () => {
    assert.equal(decodeFrame(Uint8Array.from([2, 0, 0])), null);
    assert.equal(decodeFrame(encodeFrame(FrameType.Data, 0, Uint8Array.from([1]))), null, 'stream 0');
    assert.equal(decodeFrame(Uint8Array.from([9, 0, 0, 0, 1])), null, 'unknown type');
    assert.equal(decodeFrame(encodeFrame(FrameType.Window, 1, Uint8Array.from([1, 2]))), null);
    assert.equal(decodeFrame(encodeFrame(FrameType.Data, 1, new Uint8Array(RELAY_MAX_DATA + 1))), null);
    assert.equal(decodeSize(Uint8Array.from([0, 0, 0, 24])), null);
  });
});
