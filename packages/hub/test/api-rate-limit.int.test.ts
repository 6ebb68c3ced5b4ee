// API limits: each API token and each user has its own budget (not the address they share),
// costly routes a smaller one of their own; over it, 429 rate_limited with Retry-After.
// /metrics answers only with its token when one is set.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createClient, send, type OutpostClient } from '@outpost/client';
import { startTestHub, type TestHub } from './support/test-hub.js';

const PER_MINUTE = 30;
const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';

describe('API rate limits and the metrics endpoint', { timeout: 60_000 }, () => {
  let t: TestHub;
  let alice: OutpostClient;
  let bob: OutpostClient;
  let tokenClient: OutpostClient;

  before(async () => {
    t = await startTestHub({ apiRequestsPerMinute: PER_MINUTE, metricsToken: METRICS_TOKEN });
    alice = await t.userClient('viewer');
    bob = await t.userClient('viewer');
    const { token } = await t.admin.tokens.create({ name: 'ci', role: 'viewer' });
    tokenClient = createClient({ baseUrl: t.hub.httpUrl, caPem: t.hub.caPem, token });
  });
  after(() => t.stop());

  async function spend(c: OutpostClient, path: string, until: number): Promise<number[]> {
    const statuses: number[] = [];
    for (let i = 0; i < until; i++) statuses.push((await send(c.options, 'GET', path)).status);
    return statuses;
  }

  it('refuses a user past the limit with 429 rate_limited and Retry-After, and not another user on the same address', async () => {
    const statuses = await spend(alice, '/api/v1/devices', PER_MINUTE + 5);
    const first429 = statuses.indexOf(429);
    // The user's sign-in and the client set-up may have spent one or two already.
    assert.ok(first429 > PER_MINUTE - 5 && first429 <= PER_MINUTE, `first 429 at ${first429}`);
    assert.ok(statuses.slice(first429).every((s) => s === 429));
    const res = await send(alice.options, 'GET', '/api/v1/devices');
    assert.equal(res.status, 429);
    const body = JSON.parse(res.body) as { code: string; message: string; details: { retryAfterS: number } };
    assert.equal(body.code, 'rate_limited');
    assert.match(body.message, /too many requests: at most 30 a minute/);
    const retryAfter = Number(res.headers['retry-after']);
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${String(res.headers['retry-after'])}`);
    assert.equal(body.details.retryAfterS, retryAfter);
    assert.equal(res.headers['x-ratelimit-limit'], String(PER_MINUTE));
    assert.equal(res.headers['x-ratelimit-remaining'], '0');
    assert.equal(res.headers['x-ratelimit-reset'], String(retryAfter));
    // Same address, another user and an API token: their own budgets.
    const other = await send(bob.options, 'GET', '/api/v1/devices');
    assert.equal(other.status, 200);
    assert.ok(Number(other.headers['x-ratelimit-remaining']) >= PER_MINUTE - 5, 'bob spent nothing of alice’s');
    assert.equal((await send(tokenClient.options, 'GET', '/api/v1/devices')).status, 200);
  });

  it('gives a costly route a tenth of the budget, apart from the rest', async () => {
    const statuses = await spend(bob, '/api/v1/audit/verify', 5);
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    const res = await send(bob.options, 'GET', '/api/v1/audit/verify');
    assert.equal(JSON.parse(res.body).code, 'rate_limited');
    assert.equal((await send(bob.options, 'GET', '/api/v1/devices')).status, 200);
  });

  it('answers /metrics only with its bearer token', async () => {
    const anon = t.anonymous().options;
    const bare = await send(anon, 'GET', '/metrics');
    assert.equal(bare.status, 401);
    assert.equal(JSON.parse(bare.body).details.reason, 'metrics_token_required');
    const wrong = await send({ ...anon, token: 'x'.repeat(METRICS_TOKEN.length) }, 'GET', '/metrics');
    assert.equal(wrong.status, 401);
    const right = await send({ ...anon, token: METRICS_TOKEN }, 'GET', '/metrics');
    assert.equal(right.status, 200);
    assert.match(right.body, /outpost_device_messages_total/);
  });
});
