import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { systemClock } from './clock.js';
import { createManualClock } from './manual-clock.js';

const START = Date.parse('2026-03-02T10:00:00Z');

describe('manual clock', () => {
  it('stands still until advanced, then moves by exactly that much', async () => {
    const clock = createManualClock(START);
    assert.equal(clock.now().getTime(), START);
    await clock.advance(1500);
    assert.equal(clock.now().getTime(), START + 1500);
  });

  it('fires due timers in time order, ties in the order they were set, and leaves later ones', async () => {
    const clock = createManualClock(START);
    const fired: string[] = [];
    clock.after(300, () => fired.push(`c@${clock.now().getTime() - START}`));
    clock.after(100, () => fired.push(`a@${clock.now().getTime() - START}`));
    clock.after(100, () => fired.push(`b@${clock.now().getTime() - START}`));
    clock.after(301, () => fired.push('late'));
    await clock.advance(300);
    assert.deepEqual(fired, ['a@100', 'b@100', 'c@300']);
    assert.equal(clock.pending(), 1);
    await clock.advance(1);
    assert.deepEqual(fired.at(-1), 'late');
  });

  it('never fires a cancelled timer, and cancelling twice or after firing is harmless', async () => {
    const clock = createManualClock(START);
    let calls = 0;
    const once = clock.after(10, () => calls++);
    const cancelled = clock.after(10, () => (calls += 100));
    cancelled.cancel();
    cancelled.cancel();
    await clock.advance(10);
    once.cancel();
    assert.equal(calls, 1);
    assert.equal(clock.pending(), 0);
  });

  it('cancels a timer from an earlier callback in the same advance', async () => {
    const clock = createManualClock(START);
    const fired: string[] = [];
    const later = clock.after(200, () => fired.push('later'));
    clock.after(100, () => {
      fired.push('first');
      later.cancel();
    });
    await clock.advance(1000);
    assert.deepEqual(fired, ['first']);
  });

  it('keeps an interval on its schedule whatever the steps of time (no drift)', async () => {
    const clock = createManualClock(START);
    const at: number[] = [];
    const t = clock.every(100, () => at.push(clock.now().getTime() - START));
    await clock.advance(250);
    assert.deepEqual(at, [100, 200]);
    await clock.advance(100);
    assert.deepEqual(at, [100, 200, 300]);
    await clock.advance(49);
    await clock.advance(51);
    assert.deepEqual(at, [100, 200, 300, 400]);
    t.cancel();
    await clock.advance(1000);
    assert.equal(at.length, 4);
  });

  it('does not let a slow run of an interval push its later runs back', async () => {
    const clock = createManualClock(START);
    const at: number[] = [];
    clock.every(100, async () => {
      at.push(clock.now().getTime() - START);
      // The callback itself lets some time pass, as a slow job would.
      if (at.length === 1) clock.set(clock.now().getTime() + 30);
    });
    await clock.advance(300);
    assert.deepEqual(at, [100, 200, 300]);
  });

  it('fires timers that fired callbacks schedule, when they fall inside the advanced span', async () => {
    const clock = createManualClock(START);
    const fired: string[] = [];
    clock.after(100, () => {
      fired.push(`outer@${clock.now().getTime() - START}`);
      clock.after(50, () => {
        fired.push(`inner@${clock.now().getTime() - START}`);
        clock.after(0, () => fired.push(`immediate@${clock.now().getTime() - START}`));
        clock.after(200, () => fired.push('beyond'));
      });
    });
    await clock.advance(200);
    assert.deepEqual(fired, ['outer@100', 'inner@150', 'immediate@150']);
    assert.equal(clock.now().getTime(), START + 200);
    await clock.advance(150);
    assert.deepEqual(fired.at(-1), 'beyond');
  });

  it('awaits an async callback before firing the next timer and before advance returns', async () => {
    const clock = createManualClock(START);
    const log: string[] = [];
    clock.after(10, async () => {
      log.push('slow start');
      await new Promise<void>((resolve) => setImmediate(resolve));
      await Promise.resolve();
      log.push('slow end');
    });
    clock.after(20, () => log.push('next'));
    await clock.advance(20);
    assert.deepEqual(log, ['slow start', 'slow end', 'next']);
  });

  it('passes a failing callback on to the one who advanced', async () => {
    const clock = createManualClock(START);
    clock.after(10, async () => {
      throw new Error('job failed');
    });
    await assert.rejects(clock.advance(10), /job failed/);
  });

  it('moves time at once, even unawaited, when no timer is due', () => {
    const clock = createManualClock(START);
    clock.after(1000, () => undefined);
    void clock.advance(999);
    assert.equal(clock.now().getTime(), START + 999);
  });

  it('next() jumps to the earliest timer; runAll() runs one-shot timers and the intervals due meanwhile', async () => {
    const clock = createManualClock(START);
    const fired: string[] = [];
    clock.every(100, () => fired.push(`tick@${clock.now().getTime() - START}`));
    clock.after(250, () => {
      fired.push('a@250');
      clock.after(100, () => fired.push('b@350'));
    });
    assert.equal(await clock.next(), true);
    assert.deepEqual(fired, ['tick@100']);
    await clock.runAll();
    assert.deepEqual(fired, ['tick@100', 'tick@200', 'a@250', 'tick@300', 'b@350']);
    assert.equal(clock.now().getTime(), START + 350);
    assert.equal(clock.pending(), 1, 'the interval stays');
  });

  it('skip() fires one-shot timers in order and each interval once, then keeps the interval on its schedule', async () => {
    const clock = createManualClock(START);
    const fired: string[] = [];
    clock.every(1000, () => fired.push(`tick@${clock.now().getTime() - START}`));
    clock.after(2500, () => fired.push(`once@${clock.now().getTime() - START}`));
    await clock.skip(60_000);
    assert.deepEqual(fired, ['tick@1000', 'once@2500']);
    assert.equal(clock.now().getTime(), START + 60_000);
    await clock.advance(1000);
    assert.deepEqual(fired.at(-1), 'tick@61000');
    await assert.rejects(clock.skip(-1), RangeError);
  });

  it('refuses to move backwards or to run an interval without a period', async () => {
    const clock = createManualClock(START);
    await assert.rejects(clock.advance(-1), RangeError);
    assert.throws(() => clock.every(0, () => undefined), RangeError);
  });

  it('stops a callback that keeps scheduling zero-delay timers instead of hanging', async () => {
    const clock = createManualClock(START);
    const again = () => void clock.after(0, again);
    clock.after(0, again);
    await assert.rejects(clock.advance(1), /cannot advance/);
  });
});

describe('flowing manual clock', () => {
  let holdLoop: NodeJS.Timeout;
  before(() => {
    holdLoop = setInterval(() => undefined, 60_000);
  });
  after(() => clearInterval(holdLoop));

  it('runs with wall time, fires short timers on its own and jumps over long waits in order', async () => {
    const clock = createManualClock(START, { flowing: true });
    const fired: string[] = [];
    const soon = new Promise<void>((resolve) => clock.after(20, () => resolve(void fired.push('soon'))));
    clock.after(60_000, () => fired.push('in a minute'));
    clock.after(30_000, () => fired.push('in half a minute'));
    await soon;
    assert.ok(clock.now().getTime() >= START + 20);
    assert.deepEqual(fired, ['soon']);
    await clock.advance(60_000);
    assert.deepEqual(fired, ['soon', 'in half a minute', 'in a minute']);
    assert.ok(clock.now().getTime() >= START + 60_020);
    assert.equal(clock.pending(), 0);
  });
});

describe('system clock', () => {
  // The clock's timers are unref'd: while a test waits on one, something else must hold the loop open.
  let holdLoop: NodeJS.Timeout;
  before(() => {
    holdLoop = setInterval(() => undefined, 60_000);
  });
  after(() => clearInterval(holdLoop));

  it('tells wall time', () => {
    const before = Date.now();
    const now = systemClock.now().getTime();
    assert.ok(now >= before && now <= Date.now());
  });

  it('fires after the delay, not before, and never once cancelled', async () => {
    const started = performance.now();
    const fired = await new Promise<number>((resolve) => systemClock.after(30, () => resolve(performance.now())));
    assert.ok(fired - started >= 25, `fired after ${fired - started} ms`);
    let cancelledRan = false;
    systemClock.after(5, () => (cancelledRan = true)).cancel();
    await new Promise<void>((resolve) => systemClock.after(40, resolve));
    assert.equal(cancelledRan, false);
  });

  it('repeats until cancelled', async () => {
    let runs = 0;
    await new Promise<void>((resolve) => {
      const t = systemClock.every(5, () => {
        if (++runs === 3) {
          t.cancel();
          resolve();
        }
      });
    });
    await new Promise<void>((resolve) => systemClock.after(30, resolve));
    assert.equal(runs, 3);
  });

  it("does not keep the process alive (its timers are unref'd)", () => {
    const keepingAlive = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = keepingAlive();
    const referenced = setTimeout(() => undefined, 60_000);
    assert.equal(keepingAlive(), before + 1, 'a plain timer keeps the loop alive');
    clearTimeout(referenced);
    const once = systemClock.after(60_000, () => undefined);
    const repeating = systemClock.every(60_000, () => undefined);
    assert.equal(keepingAlive(), before);
    once.cancel();
    repeating.cancel();
  });
});
