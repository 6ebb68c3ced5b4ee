import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GuardEvent } from '@outpost/guard';
import { GuardEventLimiter } from './guard-event.limiter.js';
import { summaryEvent, toDeviceEvent } from './guard-event.mapper.js';

const blocked = (master: string, unit = 1): GuardEvent => ({
  type: 'guard.blocked',
  ts: 0,
  protocol: 'modbus',
  master,
  unit,
  fc: 6,
  class: 'write',
  ranges: [{ table: 'holding', start: 5, count: 1, access: 'write' }],
  action: 'block',
  reason: 'ungranted_write',
  violations: ['ungranted_write'],
  policyVersion: 3,
});

test('per key, a burst passes and the rest is counted into one summary per window', () => {
  const l = new GuardEventLimiter({ windowMs: 1000, burst: 3 });
  const passed = Array.from({ length: 10 }, (_, i) => l.admit(blocked('10.0.0.5'), i));
  assert.deepEqual(passed, [true, true, true, false, false, false, false, false, false, false]);
  // Another master is another key: its own burst.
  assert.equal(l.admit(blocked('10.0.0.6'), 20), true);
  assert.deepEqual(l.drain(500), [], 'nothing before the window ends');
  const [s, ...rest] = l.drain(1000);
  assert.equal(rest.length, 0, 'the other key suppressed nothing');
  assert.equal(s.suppressed, 7);
  assert.deepEqual([s.windowStart, s.windowEnd], [0, 1000]);
  assert.equal(s.key.master, '10.0.0.5');
  assert.equal(l.tracked(), 1, 'the window of the other key is still open');
  const e = summaryEvent(s, 'modbus-tcp 127.0.0.1:1502');
  assert.equal(e.type, 'guard.suppressed');
  assert.equal(e.data.eventType, 'guard.blocked');
  assert.equal(e.data.suppressed, 7);
});

test('a key seen again after its window reports the old window and starts a new one', () => {
  const l = new GuardEventLimiter({ windowMs: 1000, burst: 1 });
  l.admit(blocked('m'), 0);
  l.admit(blocked('m'), 10);
  assert.equal(l.admit(blocked('m'), 1500), true, 'a fresh window');
  const out = l.drain(1600);
  assert.equal(out.length, 1);
  assert.equal(out[0].suppressed, 1);
  assert.deepEqual(l.drain(5000, true), [], 'the new window suppressed nothing');
});

test('the number of tracked keys is bounded', () => {
  const l = new GuardEventLimiter({ windowMs: 1000, burst: 1, maxKeys: 5 });
  for (let i = 0; i < 100; i++) l.admit(blocked(`10.0.0.${i}`), 0);
  assert.ok(l.tracked() <= 6);
  const [s] = l.drain(0, true).filter((x) => x.key.overflow);
  assert.equal(s.suppressed, 94);
});

test('device events stay small: long lists are cut and counted', () => {
  const e = { ...blocked('m'), violations: Array.from({ length: 40 }, (_, i) => `v${i}`) } as GuardEvent;
  const q = toDeviceEvent(e, 'g');
  assert.equal(q.type, 'guard.blocked');
  assert.equal(q.severity, 'warning');
  assert.equal((q.data.violations as string[]).length, 8);
  assert.equal(q.data.violationsTotal, 40);
  assert.equal(q.data.ts, undefined);
  assert.ok(JSON.stringify(q).length < 1024);
});
