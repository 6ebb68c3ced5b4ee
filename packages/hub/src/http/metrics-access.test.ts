import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '../platform/logger.js';
import { createMetrics } from '../platform/metrics.js';
import { createHttpServer, registerPlatformRoutes } from './server.js';

describe('/metrics without a metrics token', () => {
  let app: FastifyInstance;
  before(async () => {
    const metrics = createMetrics();
    app = await createHttpServer({ logger: createLogger('silent'), tls: null, metrics });
    registerPlatformRoutes(app, metrics);
    await app.ready();
  });
  after(() => app.close());

  it('answers callers on this host', async () => {
    for (const remoteAddress of ['127.0.0.1', '::1']) {
      const res = await app.inject({ method: 'GET', url: '/metrics', remoteAddress });
      assert.equal(res.statusCode, 200, remoteAddress);
    }
  });

  it('refuses anyone else, saying how to open it', async () => {
    const res = await app.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.1.2.3' });
    assert.equal(res.statusCode, 403);
    const body = res.json<{ code: string; message: string; details: { reason: string } }>();
    assert.equal(body.code, 'forbidden');
    assert.equal(body.details.reason, 'metrics_loopback_only');
    assert.match(body.message, /set OUTPOST_METRICS_TOKEN/);
  });
});
