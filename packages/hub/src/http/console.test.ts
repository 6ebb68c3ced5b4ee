import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { registerConsole } from './console.js';

async function appWith(root: string) {
  const app = Fastify();
  app.setNotFoundHandler((req, reply) => reply.status(404).send({ code: 'not_found', message: `no route ${req.url}` }));
  app.get('/api/v1/thing', async () => ({ ok: true }));
  await registerConsole(app, root);
  return app;
}

test('serves the built console, falls back to index.html for console paths, keeps /api/* a JSON 404', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'outpost-console-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(root, 'assets', 'app-abc123.js'), 'console.log(1)');
  const app = await appWith(root);
  t.after(() => app.close());

  for (const url of ['/', '/devices', '/devices/gw%2F01?filter=online']) {
    const r = await app.inject({ url });
    assert.equal(r.statusCode, 200, url);
    assert.match(r.body, /<title>console<\/title>/);
    assert.equal(r.headers['cache-control'], 'no-cache');
    assert.match(String(r.headers['content-security-policy']), /script-src 'self'/);
    assert.equal(r.headers['x-frame-options'], 'DENY');
  }
  const asset = await app.inject({ url: '/assets/app-abc123.js' });
  assert.equal(asset.statusCode, 200);
  assert.match(String(asset.headers['cache-control']), /immutable/);

  assert.equal((await app.inject({ url: '/api/v1/thing' })).json().ok, true);
  for (const url of [
    '/api/v1/nope',
    '/api',
    '/assets/missing.js',
    '/assets/%2e%2e/%2e%2e/package.json',
    '/assets/..%2f..%2f..%2fpackage.json',
    '/..%2f..%2fpackage.json',
    '/a/..%5c..%5cpackage.json',
  ]) {
    const r = await app.inject({ url });
    assert.equal(r.statusCode, 404, url);
    assert.equal(r.json().code, 'not_found', url);
  }
  // Other methods are not the console's business.
  assert.equal((await app.inject({ method: 'POST', url: '/devices' })).statusCode, 404);
});

test('explains itself when the console has not been built', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'outpost-console-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const app = await appWith(root);
  t.after(() => app.close());
  const r = await app.inject({ url: '/' });
  assert.equal(r.statusCode, 503);
  assert.match(r.body, /npm run console:build/);
});
