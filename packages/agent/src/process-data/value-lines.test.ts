import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LineRate, LineSplitter, parseValueLine } from './value-lines.js';
import type { ValuePointConfig } from './data-config.js';

const points = new Map<string, ValuePointConfig>([
  ['door', { p: 'door', type: 'boolean' }],
  ['temp', { p: 'temp', max: 80 }],
  ['label', { p: 'label', type: 'string' }],
]);

describe('lines local applications send', () => {
  it('accepts declared points with values of their type and refuses anything else with a code', () => {
    assert.deepEqual(parseValueLine('{"p":"temp","v":21.5}', points, 7), {
      ok: true,
      sample: { p: 'temp', v: 21.5, q: 'good', t: 7 },
    });
    assert.deepEqual(parseValueLine('{"p":"temp","v":99}', points, 7), {
      ok: true,
      sample: { p: 'temp', v: 99, q: 'uncertain', r: 'out-of-range', t: 7 },
    });
    const code = (line: string) => {
      const r = parseValueLine(line, points, 0);
      return r.ok ? 'ok' : r.error;
    };
    assert.equal(code('{"p":"door","v":true}'), 'ok');
    assert.equal(code('not json'), 'bad_json');
    assert.equal(code('[1,2]'), 'bad_line');
    assert.equal(code('{"p":"temp"}'), 'bad_line');
    assert.equal(code('{"p":"temp","v":1,"q":"good"}'), 'bad_line');
    assert.equal(code('{"p":"pressure","v":1}'), 'unknown_point');
    assert.equal(code('{"p":"door","v":1}'), 'wrong_type');
    assert.equal(code('{"p":"temp","v":"hot"}'), 'wrong_type');
    assert.equal(code(`{"p":"label","v":"${'x'.repeat(257)}"}`), 'wrong_type');
  });

  it('splits lines, reports an over-long line once and skips it to its end', () => {
    const sp = new LineSplitter(16);
    assert.deepEqual(sp.push(Buffer.from('{"p":"a"}\n{"p"')), [{ line: '{"p":"a"}' }]);
    assert.deepEqual(sp.push(Buffer.from(':1}\r\n')), [{ line: '{"p":1}' }]);
    assert.deepEqual(sp.push(Buffer.from('x'.repeat(20))), [{ tooLong: true }]);
    assert.deepEqual(sp.push(Buffer.from('y'.repeat(40))), []);
    assert.deepEqual(sp.push(Buffer.from('zz\nok\n')), [{ line: 'ok' }]);
  });

  it('bounds the rate of lines', () => {
    const rate = new LineRate(5, 0);
    const taken = Array.from({ length: 8 }, () => rate.take(0)).filter(Boolean).length;
    assert.equal(taken, 5);
    assert.equal(rate.take(100), false);
    assert.equal(rate.take(200), true);
  });
});
