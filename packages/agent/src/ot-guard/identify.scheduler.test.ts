import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  IdentifyScheduler,
  identifySettings,
  type IdentifyLink,
  type IdentifyQuery,
  type IdentifySettings,
} from './identify.scheduler.js';

// A line whose idleness the test sets, recording what the scheduler sends and abandons.
function fakeLine() {
  const sent: Array<IdentifyQuery & { at: number }> = [];
  const abandoned: IdentifyQuery[] = [];
  const clock = { t: 1_000_000 };
  const line = { idle: true };
  const link: IdentifyLink = {
    idle: () => line.idle,
    send: (q) => void sent.push({ ...q, at: clock.t }),
    abandon: (q) => void abandoned.push(q),
  };
  const settled: string[] = [];
  const make = (settings: IdentifySettings | undefined, seen: number[] = []) => {
    const s = new IdentifyScheduler({
      now: () => clock.t,
      link,
      seen: () => seen,
      onSettled: (q, o) => void settled.push(`${q.address}:${o.kind}`),
      minGapMs: 1000,
    });
    s.configure(settings);
    return s;
  };
  return { sent, abandoned, clock, line, settled, make };
}

const every = (settings: Partial<IdentifySettings> = {}): IdentifySettings => ({
  addresses: [1],
  intervalMs: 3_600_000,
  timeoutMs: 2000,
  ...settings,
});

test('off by default: without settings (or with enabled false) nothing is ever sent', () => {
  const f = fakeLine();
  const s = f.make(identifySettings(undefined, [1, 2]));
  const s2 = f.make(identifySettings({ enabled: false }, [1, 2]));
  for (let i = 0; i < 100; i++) {
    f.clock.t += 60_000;
    s.tick();
    s2.tick();
  }
  assert.equal(f.sent.length, 0);
  assert.equal(s.enabled, false);
});

test('a query goes out only when the line is idle, and again after the interval', () => {
  const f = fakeLine();
  const s = f.make(every());
  f.line.idle = false;
  s.tick();
  assert.equal(f.sent.length, 0, 'busy line: nothing sent');
  f.line.idle = true;
  s.tick();
  assert.deepEqual(
    f.sent.map((q) => [q.address, q.objectId, q.basic]),
    [[1, 0, false]],
  );
  assert.equal(s.busy, true);
  s.settle(1, { kind: 'identified' });
  assert.equal(s.busy, false);
  f.clock.t += 3_599_000;
  s.tick();
  assert.equal(f.sent.length, 1, 'not before the interval');
  f.clock.t += 1000;
  s.tick();
  assert.equal(f.sent.length, 2);
  assert.deepEqual(f.settled, ['1:identified']);
});

test('an unanswered query times out, is abandoned, and the device is asked again later and later', () => {
  const f = fakeLine();
  const s = f.make(every({ intervalMs: 600_000 }));
  const gaps: number[] = [];
  for (let i = 0; i < 60 * 60 * 4; i++) {
    s.tick();
    f.clock.t += 1000;
  }
  for (let i = 1; i < f.sent.length; i++) gaps.push(f.sent[i].at - f.sent[i - 1].at);
  // Each timeout takes 2 s; the retries wait 60 s, 120 s, 240 s, ... up to 8 intervals (80 min).
  assert.deepEqual(gaps.slice(0, 5), [62_000, 122_000, 242_000, 482_000, 962_000]);
  assert.ok(
    gaps.every((g) => g <= 4_800_000 + 2000),
    String(gaps),
  );
  assert.equal(f.abandoned.length, f.sent.length - (s.busy ? 1 : 0));
  assert.ok(f.settled.every((x) => x === '1:timeout'));
});

test('the timeout counts from the send on the injected clock', () => {
  const f = fakeLine();
  const s = f.make(every({ timeoutMs: 2000 }));
  s.tick();
  f.clock.t += 1999;
  s.tick();
  assert.equal(f.abandoned.length, 0);
  s.settle(1, { kind: 'identified' });
  assert.equal(f.abandoned.length, 0);
  assert.deepEqual(f.settled, ['1:identified']);
  // A late answer to a query already timed out changes nothing.
  const g = fakeLine();
  const s2 = g.make(every());
  s2.tick();
  g.clock.t += 2000;
  s2.tick();
  s2.settle(1, { kind: 'identified' });
  assert.deepEqual(g.settled, ['1:timeout']);
});

test('exception 1 (no FC 43) stops asking that unit for good; other units are still asked', () => {
  const f = fakeLine();
  const s = f.make(every({ addresses: [1, 2] }));
  s.tick();
  s.settle(f.sent[0].address, { kind: 'exception', code: 1 });
  assert.equal(s.asking(f.sent[0].address), false);
  for (let i = 0; i < 24 * 60; i++) {
    f.clock.t += 60_000;
    s.tick();
    if (s.busy) s.settle(f.sent[f.sent.length - 1].address, { kind: 'identified' });
  }
  assert.equal(f.sent.filter((q) => q.address === f.sent[0].address).length, 1);
  assert.equal(f.sent.filter((q) => q.address !== f.sent[0].address).length, 24);
  assert.equal(f.settled[0], `${f.sent[0].address}:unsupported`);
});

test('exception 2 or 3 to the regular set falls back to the basic set; other exceptions back off', () => {
  const f = fakeLine();
  const s = f.make(every());
  s.tick();
  s.settle(1, { kind: 'exception', code: 3 });
  f.clock.t += 1000;
  s.tick();
  assert.deepEqual(
    f.sent.map((q) => q.basic),
    [false, true],
  );
  s.settle(1, { kind: 'exception', code: 6 });
  f.clock.t += 59_000;
  s.tick();
  assert.equal(f.sent.length, 2, 'busy device: backoff of 60 s');
  f.clock.t += 1000;
  s.tick();
  assert.equal(f.sent.length, 3);
  assert.equal(s.asking(1), true);
});

test('rate bound: never two queries less than minGapMs apart, one at a time, whatever answers', () => {
  const f = fakeLine();
  const s = f.make(every({ addresses: Array.from({ length: 40 }, (_, i) => i + 1) }));
  for (let i = 0; i < 500; i++) {
    s.tick();
    if (s.busy) s.settle(f.sent[f.sent.length - 1].address, { kind: 'identified' });
    f.clock.t += 100;
  }
  // 50 s of ticks: at most one query a second, and at most 32 devices are tracked.
  assert.ok(f.sent.length <= 50, String(f.sent.length));
  for (let i = 1; i < f.sent.length; i++) assert.ok(f.sent[i].at - f.sent[i - 1].at >= 1000);
  assert.equal(new Set(f.sent.map((q) => q.address)).size, 32);
});

test('a reply in parts is followed up from the next object id, at most 8 parts a round', () => {
  const f = fakeLine();
  const s = f.make(every());
  for (let i = 0; i < 20; i++) {
    s.tick();
    if (s.busy) s.settle(1, { kind: 'identified', continueFrom: 0x80 + i });
    f.clock.t += 1000;
  }
  assert.deepEqual(
    f.sent.map((q) => q.objectId),
    [0, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86],
  );
});

test('without listed addresses the devices masters addressed are asked', () => {
  const f = fakeLine();
  const seen = [5];
  const s = f.make(every({ addresses: undefined }), seen);
  s.tick();
  assert.deepEqual(
    f.sent.map((q) => q.address),
    [5],
  );
});

test('a new policy forgets the query in flight and what the devices said', () => {
  const f = fakeLine();
  const s = f.make(every());
  s.tick();
  s.configure(undefined);
  assert.equal(f.abandoned.length, 1);
  f.clock.t += 10_000;
  s.tick();
  assert.equal(f.sent.length, 1);
});
