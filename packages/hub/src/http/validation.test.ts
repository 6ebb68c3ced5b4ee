import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '../platform/logger.js';
import { createMetrics } from '../platform/metrics.js';
import { createHttpServer } from './server.js';

// In-process requests (Fastify inject): no socket is opened.
describe('JSON request bodies', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await createHttpServer({ logger: createLogger('silent'), tls: null, metrics: createMetrics() });
    app.post('/api/v1/echo', { config: { role: 'public' } }, async (req) => ({ got: req.body }));
    await app.ready();
  });
  after(() => app.close());

  const post = (payload: string) =>
    app.inject({ method: 'POST', url: '/api/v1/echo', headers: { 'content-type': 'application/json' }, payload });

  it('refuses a body nested deeper than the bound with a stable validation error, not a 500', async () => {
    const res = await post(`{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    assert.equal(res.statusCode, 400);
    const body = res.json() as { code: string; message: string };
    assert.equal(body.code, 'validation_failed');
    assert.match(body.message, /nests deeper than 32 levels/);
  });

  it('still parses ordinary bodies, and still refuses malformed JSON and prototype poisoning', async () => {
    assert.deepEqual((await post('{"a":[1,{"b":2}]}')).json(), { got: { a: [1, { b: 2 }] } });
    assert.equal((await post('{"a":')).json().code, 'malformed_json');
    assert.equal((await post('{"__proto__":{"x":1}}')).statusCode, 400);
  });
});

describe('request bodies other than JSON', () => {
  it('refuses a text/plain body with a stable error, before the route runs', async () => {
    const app = await createHttpServer({ logger: createLogger('silent'), tls: null, metrics: createMetrics() });
    let ran = false;
    app.post('/api/v1/rollouts/r1/cancel', { config: { role: 'public' } }, async () => {
      ran = true;
      return {};
    });
    await app.ready();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/rollouts/r1/cancel',
      headers: { 'content-type': 'text/plain' },
      payload: 'x',
    });
    assert.equal(res.statusCode, 400);
    assert.deepEqual([res.json().code, res.json().message], ['validation_failed', 'send the body as application/json']);
    assert.equal(ran, false);
    await app.close();
  });
});
