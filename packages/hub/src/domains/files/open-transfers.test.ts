import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createManualClock } from '../../platform/manual-clock.js';
import { createOpenTransfers } from './open-transfers.js';

test('a transfer is claimed only by its own device with its own token, and answers once', async () => {
  const open = createOpenTransfers(createManualClock(0));
  const { token, arrival } = open.begin('ftr_1', 'dev-a', 30_000);
  assert.equal(open.claim('ftr_1', 'dev-b', token), null, 'another device');
  assert.equal(
    open.claim('ftr_1', 'dev-a', token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A')),
    null,
    'wrong token',
  );
  assert.equal(open.claim('ftr_1', 'dev-a', undefined), null, 'no token');
  assert.equal(open.claim('ftr_2', 'dev-a', token), null, 'another transfer');
  const t = open.claim('ftr_1', 'dev-a', token);
  assert.ok(t);
  t.settle({ kind: 'outcome', outcome: { ok: false, error: { reason: 'path_outside_root', message: 'no' } } });
  const a = await arrival;
  assert.equal(a.kind, 'outcome');
  assert.equal(open.claim('ftr_1', 'dev-a', token), null, 'a settled transfer takes nothing more');
  assert.equal(open.size(), 0);
});

test('a transfer nobody answers ends as a timeout on the clock', async () => {
  const clock = createManualClock(0);
  const open = createOpenTransfers(clock);
  const { token, arrival } = open.begin('ftr_3', 'dev-a', 30_000);
  await clock.advance(29_999);
  assert.ok(open.claim('ftr_3', 'dev-a', token), 'still open just before its deadline');
  await clock.advance(1);
  assert.deepEqual(await arrival, { kind: 'timeout' });
  assert.equal(open.claim('ftr_3', 'dev-a', token), null);
});
