import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CANONICAL_JSON_MAX_DEPTH, canonicalJson } from './canonical-json.js';

describe('canonicalJson (RFC 8785)', () => {
  it('sorts members at every level and writes no whitespace', () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [3, { f: 1, e: 2 }], c: null } }),
      '{"a":{"c":null,"d":[3,{"e":2,"f":1}]},"b":1}',
    );
  });

  it('sorts member names by UTF-16 code units (RFC 8785 §3.2.3)', () => {
    // The RFC's own example: "\u20ac" (€) sorts after "\r" and "1", "\ud83d\ude00" (😀) before "\ufb33".
    const value = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // Read the names back in written order (JSON.parse would put the integer-like "1" first).
    const names = [...canonicalJson(value).matchAll(/"((?:[^"\\]|\\.)*)":/g)].map(
      (m) => JSON.parse(`"${m[1]}"`) as string,
    );
    assert.deepEqual(names, ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33']);
  });

  it('writes numbers as ECMAScript does (RFC 8785 §3.2.2.3)', () => {
    assert.equal(
      canonicalJson([1e21, 1e-7, -0, 0.000001, 123456789012345680000, 4.5]),
      '[1e+21,1e-7,0,0.000001,123456789012345680000,4.5]',
    );
  });

  it('refuses numbers JSON has no form for', () => {
    assert.throws(() => canonicalJson({ a: Number.NaN }), /NaN has no JSON form/);
    assert.throws(() => canonicalJson([Infinity]), /Infinity has no JSON form/);
  });

  it('leaves out undefined members, writes undefined array items as null, uses toJSON', () => {
    assert.equal(
      canonicalJson({ a: undefined, b: [undefined], c: new Date(0) }),
      '{"b":[null],"c":"1970-01-01T00:00:00.000Z"}',
    );
  });

  it('escapes strings as JSON.stringify does', () => {
    assert.equal(canonicalJson('a"\\\n\u0001é'), JSON.stringify('a"\\\n\u0001é'));
  });

  it('refuses values nested deeper than the limit instead of exhausting the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < CANONICAL_JSON_MAX_DEPTH + 2; i++) deep = [deep];
    assert.throws(() => canonicalJson(deep), /nesting too deep/);
    assert.throws(() => canonicalJson({ f: 1n }), /bigint has no JSON form/);
  });
});
