import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { installSecurityHeaders } from './security-headers.js';

// In-process requests (Fastify inject): no socket is opened.
describe('security headers', () => {
  async function hub(tls: boolean) {
    const app = Fastify();
    installSecurityHeaders(app, { tls });
    app.get('/api/v1/thing', async () => ({ ok: true }));
    app.get('/console', async (_req, reply) =>
      reply.header('content-security-policy', "script-src 'self'").send('<p>hi</p>'),
    );
    await app.ready();
    return app;
  }

  it('on every API answer: no sniffing, no framing, nothing runs; HSTS over TLS only', async () => {
    const app = await hub(true);
    const res = await app.inject({ method: 'GET', url: '/api/v1/thing' });
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['x-frame-options'], 'DENY');
    assert.equal(res.headers['content-security-policy'], "default-src 'none'; frame-ancestors 'none'");
    assert.equal(res.headers['strict-transport-security'], 'max-age=31536000');
    const missing = await app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    assert.equal(missing.headers['x-content-type-options'], 'nosniff');
    await app.close();
    const plain = await hub(false);
    assert.equal(
      (await plain.inject({ method: 'GET', url: '/api/v1/thing' })).headers['strict-transport-security'],
      undefined,
    );
    await plain.close();
  });

  it("keeps a route's own policy (the console lets its scripts run)", async () => {
    const app = await hub(false);
    const res = await app.inject({ method: 'GET', url: '/console' });
    assert.equal(res.headers['content-security-policy'], "script-src 'self'");
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    await app.close();
  });
});
