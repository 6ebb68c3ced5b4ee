// Sign-in throttling as a user meets it: failures count per account and, with a higher limit, per
// address; past a limit the wait doubles and the refusal says how long; concurrent attempts cannot
// slip under a limit; an API token does not get around a second factor the owner's role requires.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, createClient, send, type OutpostClient } from '@outpost/client';
import { ADMIN_PASSWORD, hubTestClock, startTestHub, type TestHub } from './support/test-hub.js';
import type { ManualClock } from '../src/platform/manual-clock.js';

const PASSWORD = 'a-long-password-1';
const WINDOW_MIN = 15;

describe('sign-in limits', () => {
  let t: TestHub;
  let clock: ManualClock;
  let anon: OutpostClient;

  before(async () => {
    clock = hubTestClock();
    t = await startTestHub(
      { loginMaxFailures: 5, loginMaxFailuresPerAddress: 8, loginWindowMinutes: WINDOW_MIN },
      undefined,
      {
        clock,
      },
    );
    anon = t.anonymous();
    for (const username of ['ann', 'bob', 'cid'])
      await t.admin.users.create({ username, password: PASSWORD, role: 'operator' });
  });
  after(() => t.stop());
  // Every test starts with nothing counted: earlier failures fall out of the window. A skip, not an
  // advance: the hub's background jobs run once over the span instead of once per period of it.
  beforeEach(() => clock.skip((WINDOW_MIN + 1) * 60_000));

  const fail = (username: string) =>
    assert.rejects(anon.login(username, 'wrong'), (e: ApiError) => e.code === 'invalid_credentials');
  const refused = (username: string, password: string) =>
    anon.login(username, password).then(
      () => assert.fail('the sign-in went through'),
      (e: ApiError) => e,
    );

  it('makes an account wait after its failures, says how long, and leaves others at the same address alone', async () => {
    for (let i = 0; i < 5; i++) await fail('ann');
    const res = await send(anon.options, 'POST', '/api/v1/auth/login', { username: 'ann', password: PASSWORD });
    assert.equal(res.status, 429);
    assert.equal(res.headers['retry-after'], '30');
    const body = JSON.parse(res.body) as { code: string; message: string; details: unknown };
    assert.equal(body.code, 'rate_limited');
    assert.match(body.message, /for this account; try again in 30 s/);
    assert.deepEqual(body.details, { scope: 'account', retryAfterS: 30 });
    // Same address (every request here comes from 127.0.0.1), another account: not held back.
    await createClient(anon.options).login('admin', ADMIN_PASSWORD);
    const audit = await t.admin.audit.list({ action: 'auth.login', limit: 50 });
    const denied = audit.items.find((a) => a.outcome === 'denied' && a.actor === 'ann');
    assert.deepEqual(denied?.details, { reason: 'rate_limited', scope: 'account', retryAfterS: 30 });
  });

  it('doubles the wait with each failure past the limit; the right password forgives the account', async () => {
    for (let i = 0; i < 5; i++) await fail('bob');
    assert.match((await refused('bob', PASSWORD)).message, /try again in 30 s/);
    await clock.advance(30_000);
    await fail('bob');
    assert.match((await refused('bob', PASSWORD)).message, /try again in 60 s/);
    await clock.advance(60_000);
    await anon.login('bob', PASSWORD);
    // Forgiven: the next wrong password is just wrong, not refused.
    await fail('bob');
  });

  it('makes an address that tries many accounts wait, whichever account it tries next', async () => {
    for (let i = 0; i < 8; i++) await fail(`nobody-${i}`);
    const e = await refused('admin', ADMIN_PASSWORD);
    assert.equal(e.status, 429);
    assert.match(e.message, /from this address; try again in 30 s/);
    assert.deepEqual(e.details, { scope: 'address', retryAfterS: 30 });
  });

  it('lets no more attempts of a concurrent burst reach the password check than the limit', async () => {
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => anon.login('cid', 'wrong')));
    const codes = results.map((r) => (r.status === 'rejected' ? (r.reason as ApiError).code : 'ok'));
    assert.equal(codes.filter((c) => c === 'invalid_credentials').length, 5, codes.join(' '));
    assert.equal(codes.filter((c) => c === 'rate_limited').length, 15);
    const audit = await t.admin.audit.list({ action: 'auth.login', limit: 200 });
    assert.equal(audit.items.filter((a) => a.actor === 'cid' && a.outcome === 'failed').length, 5);
  });

  it('a correct password with a second factor still to give does not count as a failure', async () => {
    const dan = await t.admin.users.create({ username: 'dan', password: PASSWORD, role: 'viewer' });
    assert.ok(dan.id);
    for (let i = 0; i < 10; i++) await anon.login('dan', PASSWORD);
    await fail('dan');
  });

  it('holds the API token of a user whose role requires an unenrolled second factor to MFA set-up', async () => {
    await t.admin.users.create({ username: 'eve', password: PASSWORD, role: 'operator' });
    const { session } = await anon.login('eve', PASSWORD);
    const eve = createClient({ ...anon.options, session });
    const tok = await eve.tokens.create({ name: 'eve-script', role: 'operator' });
    const asToken = { ...anon.options, token: tok.token };
    assert.equal((await send(asToken, 'GET', '/api/v1/devices')).status, 200);
    await t.admin.mfa.setPolicy({ operator: true });
    try {
      const res = await send(asToken, 'GET', '/api/v1/devices');
      assert.equal(res.status, 403);
      const body = JSON.parse(res.body) as { code: string; message: string };
      assert.equal(body.code, 'mfa_enrollment_required');
      assert.match(body.message, /owner of this token/);
    } finally {
      await t.admin.mfa.setPolicy({ operator: false });
    }
    assert.equal((await send(asToken, 'GET', '/api/v1/devices')).status, 200);
  });
});
