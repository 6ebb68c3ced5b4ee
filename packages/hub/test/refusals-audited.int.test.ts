// A refused request is on the record, and a flood of them cannot flood the record: each actor's
// refusals are written up to a bound per minute, the rest summarised in one record.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { send, type OutpostClient } from '@outpost/client';
import { eventually, hubTestClock, startTestHub, type TestHub } from './support/test-hub.js';
import type { ManualClock } from '../src/platform/manual-clock.js';

describe('refused requests in the audit log', () => {
  let t: TestHub;
  let clock: ManualClock;
  let viewer: OutpostClient;

  before(async () => {
    clock = hubTestClock();
    t = await startTestHub({}, undefined, { clock });
    viewer = await t.userClient('viewer');
  });
  after(() => t.stop());

  it('records who was refused what, up to 20 a minute, and summarises the rest', async () => {
    const me = (await viewer.me()).username;
    for (let i = 0; i < 50; i++) {
      const res = await send(viewer.options, 'POST', '/api/v1/groups', { path: `g${i}`, kind: 'static' });
      assert.equal(res.status, 403);
    }
    const refused = (await t.admin.audit.list({ actor: me, action: 'api.refused', limit: 100 })).items;
    assert.equal(refused.length, 20);
    assert.deepEqual(
      [refused[0].outcome, refused[0].target, refused[0].details],
      ['denied', 'POST /api/v1/groups', { code: 'forbidden' }],
    );
    await clock.advance(61_000);
    const summary = await eventually(
      async () => (await t.admin.audit.list({ actor: me, action: 'audit.summarised', limit: 5 })).items[0],
    );
    assert.deepEqual((summary.details as { left_out: unknown }).left_out, { 'api.refused': 30 });
    assert.equal((summary.details as { total: number }).total, 30);
  });

  it('records a refused token, and nothing for requests that present no credential', async () => {
    const before = (await t.admin.audit.list({ action: 'api.refused', limit: 1000 })).items.length;
    assert.equal((await send(t.anonymous().options, 'GET', '/api/v1/devices')).status, 401);
    assert.equal(
      (await send({ ...t.anonymous().options, token: 'opt_not-a-token' }, 'GET', '/api/v1/devices')).status,
      401,
    );
    const after = (await t.admin.audit.list({ action: 'api.refused', limit: 1000 })).items;
    assert.equal(after.length, before + 1);
    assert.deepEqual([after[0].actor, after[0].details], ['credential refused', { code: 'unauthenticated' }]);
  });
});
