import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createLogger } from '../platform/logger.js';
import { createMetrics } from '../platform/metrics.js';
import { createHttpServer, registerPlatformRoutes } from './server.js';

test('request log lines: each key once, probes only at debug', async () => {
  const out = new PassThrough();
  const lines: string[] = [];
  out.on('data', (b: Buffer) => lines.push(...b.toString().split('\n').filter(Boolean)));
  const metrics = createMetrics();
  const app = await createHttpServer({ logger: createLogger('info', out), tls: null, metrics });
  registerPlatformRoutes(app, metrics);
  await app.ready();
  try {
    await app.inject({ method: 'GET', url: '/healthz' });
    await app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' });
    await app.inject({ method: 'GET', url: '/api/v1/nowhere' });
    await new Promise((r) => setImmediate(r));
    const requests = lines.filter((l) => l.includes('"msg":"request"'));
    assert.equal(requests.length, 1, lines.join('\n'));
    assert.match(requests[0], /"route":"unmatched","status":404/);
    assert.equal(requests[0].split('"reqId"').length - 1, 1, requests[0]);
  } finally {
    await app.close();
  }
});
