import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { counterDelta, foldReading, newCounterState, parseCounterState } from './byte-counters.js';

const wwan = (rx: number, tx: number) => [{ name: 'wwan0', rxBytes: rx, txBytes: tx }];

describe('byte counters', () => {
  it('adds differences; the first sight of an interface only sets the starting point', () => {
    const s = newCounterState('boot-1');
    assert.deepEqual(foldReading(s, 'boot-1', wwan(5000, 700)), [{ name: 'wwan0', rxBytes: 0, txBytes: 0 }]);
    assert.deepEqual(foldReading(s, 'boot-1', wwan(6000, 900)), [{ name: 'wwan0', rxBytes: 1000, txBytes: 200 }]);
    assert.deepEqual(foldReading(s, 'boot-1', wwan(6000, 900)), [{ name: 'wwan0', rxBytes: 1000, txBytes: 200 }]);
  });

  it('carries a 32-bit wrap over without losing or doubling bytes', () => {
    const s = newCounterState('b');
    foldReading(s, 'b', wwan(2 ** 32 - 100, 0));
    const [t] = foldReading(s, 'b', wwan(50, 0));
    assert.equal(t.rxBytes, 150);
    assert.equal(counterDelta(2 ** 32 - 1, 0), 1);
  });

  it('counts from zero after a reboot (new boot id), even when the new counter is above the old one', () => {
    const s = newCounterState('boot-1');
    foldReading(s, 'boot-1', wwan(1000, 1000));
    foldReading(s, 'boot-1', wwan(3000, 1000));
    const [t] = foldReading(s, 'boot-2', wwan(5000, 10));
    assert.deepEqual(t, { name: 'wwan0', rxBytes: 2000 + 5000, txBytes: 10 });
    const [u] = foldReading(s, 'boot-2', wwan(5500, 10));
    assert.equal(u.rxBytes, 7500);
  });

  it('takes a smaller 64-bit counter within one boot as a re-created interface counting from zero', () => {
    assert.equal(counterDelta(2 ** 40, 300), 300);
    assert.equal(counterDelta(1000, 300), 300);
  });

  it('bounds the interfaces it keeps and refuses a malformed saved state', () => {
    const s = newCounterState('b');
    const many = Array.from({ length: 40 }, (_, i) => ({ name: `ppp${i}`, rxBytes: 1, txBytes: 1 }));
    assert.equal(foldReading(s, 'b', many).length, 16);
    assert.equal(parseCounterState(JSON.parse(JSON.stringify(s)))?.epoch, s.epoch);
    assert.equal(parseCounterState({ ...s, epoch: 'x' }), null);
    assert.equal(
      parseCounterState({ ...s, interfaces: { a: { lastRx: -1, lastTx: 0, rxBytes: 0, txBytes: 0 } } }),
      null,
    );
  });
});
