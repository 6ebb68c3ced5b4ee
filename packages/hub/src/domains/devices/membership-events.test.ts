import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../platform/logger.js';
import { createMembershipEvents, type MembershipChange } from './membership-events.js';

const logger = createLogger('silent');

test('changes between passes are handed over once, merged and sorted', async () => {
  const m = createMembershipEvents({ logger });
  const seen: MembershipChange[] = [];
  m.subscribe(async (c) => void seen.push(c));
  for (let i = 0; i < 500; i++) m.changed([`d${i % 7}`]);
  m.changed(['d9', 'd0']);
  assert.equal(m.pending(), 8);
  await m.flush();
  await m.flush();
  assert.deepEqual(seen, [['d0', 'd1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd9']]);
});

test('too many devices, or a group change, become one fleet-wide pass', async () => {
  const m = createMembershipEvents({ logger, maxIds: 3 });
  const seen: MembershipChange[] = [];
  m.subscribe(async (c) => void seen.push(c));
  m.changed(['a', 'b', 'c', 'd']);
  m.changed(['e']);
  await m.flush();
  m.changed(['a']);
  m.changed('all');
  await m.flush();
  assert.deepEqual(seen, ['all', 'all']);
});

test('every subscriber gets the pass; one failing does not stop the others; changes made during a pass wait for the next', async () => {
  const m = createMembershipEvents({ logger });
  const seen: MembershipChange[] = [];
  m.subscribe(async () => {
    m.changed(['late']);
    throw new Error('store unavailable');
  });
  m.subscribe(async (c) => void seen.push(c));
  m.changed(['x']);
  await m.flush();
  assert.deepEqual(seen, [['x']]);
  await m.flush();
  assert.deepEqual(seen, [['x'], ['late']]);
});
