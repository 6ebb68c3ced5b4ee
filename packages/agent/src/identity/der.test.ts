import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { derBitString, derLength, derOid, derSequence, derSmallInteger, derUtf8String } from './der.js';

const hex = (b: Buffer) => b.toString('hex');

describe('DER encoding', () => {
  it('writes short and long form lengths (X.690 §8.1.3)', () => {
    const cases: Array<[number, string]> = [
      [0, '00'],
      [127, '7f'],
      [128, '8180'],
      [255, '81ff'],
      [256, '820100'],
      [65_536, '83010000'],
    ];
    for (const [n, want] of cases) assert.equal(hex(derLength(n)), want, `length ${n}`);
    assert.throws(() => derLength(-1), /bad DER length/);
  });

  it('writes object identifiers as the published encodings', () => {
    const cases: Array<[string, string]> = [
      ['2.5.4.3', '0603550403'],
      ['1.2.840.10045.4.3.2', '06082a8648ce3d040302'],
      ['1.2.840.10045.2.1', '06072a8648ce3d0201'],
      ['1.2.840.113549.1.1.11', '06092a864886f70d01010b'],
    ];
    for (const [oid, want] of cases) assert.equal(hex(derOid(oid)), want, oid);
    for (const bad of ['1', '3.1', '1.40', '1.2.x', '']) assert.throws(() => derOid(bad), /bad OID/, bad);
  });

  it('writes strings, bit strings, small integers and nested sequences', () => {
    assert.equal(hex(derUtf8String('ü')), '0c02c3bc');
    assert.equal(hex(derBitString(Buffer.from([0xab]))), '030200ab');
    assert.equal(hex(derSmallInteger(0)), '020100');
    assert.throws(() => derSmallInteger(128), /out of range/);
    assert.equal(hex(derSequence(derSmallInteger(1), derSequence())), '3005020101' + '3000');
    const long = derUtf8String('x'.repeat(200));
    assert.equal(hex(long.subarray(0, 3)), '0c81c8');
    assert.equal(long.length, 203);
  });
});
