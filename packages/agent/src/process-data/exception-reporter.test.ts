import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ExceptionReporter } from './exception-reporter.js';
import type { Sample } from './data-sample.js';

const s = (p: string, v: Sample['v'], t: number, q: Sample['q'] = 'good', r?: string): Sample => ({
  p,
  v,
  q,
  t,
  ...(r ? { r } : {}),
});

describe('report by exception', () => {
  it('reports a change beyond the deadband, a quality change, and after the maximum silence', () => {
    const rep = new ExceptionReporter(300);
    rep.declare([{ p: 'level', deadband: 0.5 }, { p: 'run' }, { p: 'flow', maxSilenceS: 10 }]);
    const sent = (x: Sample, now = x.t) => rep.offer(x, now) !== undefined;
    assert.equal(sent(s('level', 10, 0)), true, 'first reading');
    assert.equal(sent(s('level', 10.4, 1000)), false, 'within the deadband');
    assert.equal(sent(s('level', 10.5, 2000)), false, 'exactly the deadband is not beyond it');
    assert.equal(sent(s('level', 10.6, 3000)), true, 'beyond the deadband of the last report');
    assert.equal(sent(s('level', 10.6, 4000, 'bad', 'timeout')), true, 'quality change');
    assert.equal(sent(s('level', 10.6, 5000, 'bad', 'comm-lost')), true, 'another reason');
    assert.equal(sent(s('level', 10.6, 6000)), true, 'good again');
    assert.equal(sent(s('level', 10.7, 300_000)), false, 'silence not yet over');
    assert.equal(sent(s('level', 10.7, 306_000)), true, 'maximum silence passed');
    assert.equal(sent(s('run', true, 0)), true);
    assert.equal(sent(s('run', true, 1000)), false, 'same value without a deadband');
    assert.equal(sent(s('run', false, 2000)), true);
    assert.equal(sent(s('other', 1, 0)), false, 'undeclared points are never reported');
    // A point whose source went quiet is repeated with its last reading after its own silence.
    assert.equal(sent(s('flow', 3, 0)), true);
    assert.deepEqual(rep.due(9_999), []);
    assert.deepEqual(rep.due(10_000), [s('flow', 3, 0)]);
    assert.deepEqual(rep.due(15_000), []);
  });

  it('keeps the last report of points still declared after a change of sources', () => {
    const rep = new ExceptionReporter();
    rep.declare([{ p: 'a' }, { p: 'b' }]);
    rep.offer(s('a', 1, 0), 0);
    rep.declare([{ p: 'a', deadband: 5 }]);
    assert.equal(rep.offer(s('a', 4, 1), 1), undefined);
    assert.equal(rep.offer(s('b', 1, 1), 1), undefined);
  });
});
