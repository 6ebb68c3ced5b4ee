import { test } from 'node:test';
import assert from 'node:assert/strict';
import { berInteger, berText, berUnsigned, childrenOf, readTlv } from './ber.reader.js';

const b = (...x: number[]) => Uint8Array.from(x);

test('reads short, long and high-tag-number forms', () => {
  const short = readTlv(b(0x80, 2, 0x41, 0x42), 0, 4);
  assert.deepEqual(short, { ok: true, tlv: { cls: 2, constructed: false, tag: 0, at: 2, end: 4 } });
  const long = readTlv(Uint8Array.from([0x61, 0x82, 0x01, 0x00, ...new Array(256).fill(0)]), 0, 260);
  assert.deepEqual(long, { ok: true, tlv: { cls: 1, constructed: true, tag: 1, at: 4, end: 260 } });
  // listOfModifier [79] needs the high-tag-number form: 0xBF 0x4F.
  const high = readTlv(b(0xbf, 0x4f, 0), 0, 3);
  assert.deepEqual(high, { ok: true, tlv: { cls: 2, constructed: true, tag: 79, at: 3, end: 3 } });
});

test('refuses what would read past the end or cannot be bounded, with the reason', () => {
  const cases: Array<[number[], string]> = [
    [[], 'ber_truncated'],
    [[0x80], 'ber_truncated_length'],
    [[0x80, 3, 1, 2], 'ber_value_overruns'],
    [[0x30, 0x80, 0, 0], 'ber_indefinite_length'],
    [[0x04, 0x85, 1, 0, 0, 0, 0], 'ber_length_too_long'],
    [[0x04, 0x82, 1], 'ber_truncated_length'],
    [[0x1f, 0x81], 'ber_truncated_tag'],
    [[0x1f, 0xff, 0xff, 0xff, 0x7f, 0], 'ber_tag_too_large'],
  ];
  for (const [bytes, reason] of cases) assert.deepEqual(readTlv(b(...bytes), 0, bytes.length), { ok: false, reason });
  // The parent's end bounds the child even when the buffer goes on.
  assert.deepEqual(readTlv(b(0x80, 2, 1, 2), 0, 3), { ok: false, reason: 'ber_value_overruns' });
});

test('children are bounded in number', () => {
  const parent = { at: 0, end: 6 };
  const three = b(0x80, 0, 0x81, 0, 0x82, 0);
  assert.equal(childrenOf(three, parent).ok && childrenOf(three, parent, 3).ok, true);
  assert.deepEqual(childrenOf(three, parent, 2), { ok: false, reason: 'ber_too_many_elements' });
  assert.deepEqual(childrenOf(b(0x80, 0, 0x81, 5), { at: 0, end: 4 }), { ok: false, reason: 'ber_value_overruns' });
});

test('integers, counters and text', () => {
  const tlvOf = (bytes: number[]) => ({ cls: 0, constructed: false, tag: 2, at: 0, end: bytes.length });
  const cases: Array<[number[], number | undefined, number | undefined]> = [
    [[0x00], 0, 0],
    [[0x7f], 127, 127],
    [[0xff], -1, 255],
    [[0x00, 0xff, 0xff, 0xff, 0xff], 0xffffffff, 0xffffffff],
    [[0x80, 0, 0, 0], -2147483648, 0x80000000],
    [[], undefined, undefined],
    [[1, 2, 3, 4, 5, 6, 7], undefined, undefined],
  ];
  for (const [bytes, signed, unsigned] of cases) {
    assert.equal(berInteger(b(...bytes), tlvOf(bytes)), signed, `signed ${bytes}`);
    assert.equal(berUnsigned(b(...bytes), tlvOf(bytes)), unsigned, `unsigned ${bytes}`);
  }
  const s = b(0x41, 0x0a, 0x5c, 0x7a);
  assert.equal(berText(s, tlvOf([...s])), 'A\\x0a\\x5cz');
});
