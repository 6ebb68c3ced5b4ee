import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, createBrowserClient } from './browser.js';

// Node 20 has the same fetch as browsers, so the browser transport runs here against a plain server.
async function server(
  handler: (req: IncomingMessage, body: string) => { status: number; body?: unknown; delayMs?: number },
) {
  const seen: Array<{ method: string; url: string; body: string; headers: IncomingMessage['headers'] }> = [];
  const s = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, body, headers: req.headers });
      const r = handler(req, body);
      setTimeout(() => {
        res.writeHead(r.status, { 'content-type': 'application/json' });
        res.end(r.body === undefined ? '' : JSON.stringify(r.body));
      }, r.delayMs ?? 0);
    });
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((r) => s.close(() => r())),
  };
}

test('the browser client speaks the same API over fetch: JSON in and out, stable error codes', async (t) => {
  const s = await server((req) => {
    if (req.url?.startsWith('/api/v1/devices?'))
      return { status: 200, body: { items: [{ id: 'gw-1' }], nextCursor: null } };
    if (req.url === '/api/v1/devices/gw-1/tags') return { status: 200, body: { matched: 1 } };
    if (req.url === '/api/v1/tokens/tok_1') return { status: 204 };
    return {
      status: 400,
      body: { code: 'filter_syntax', message: 'bad filter', requestId: 'req_1', details: { position: 4 } },
    };
  });
  t.after(s.close);
  const api = createBrowserClient({ baseUrl: s.url, token: 'opt_x' });
  assert.deepEqual((await api.devices.list({ filter: 'online', limit: 5 })).items, [{ id: 'gw-1' }]);
  assert.equal(s.seen[0].url, '/api/v1/devices?filter=online&limit=5');
  assert.equal(s.seen[0].headers.authorization, 'Bearer opt_x');
  assert.deepEqual(await api.devices.tag('gw-1', { site: 'north' }), { matched: 1 });
  assert.equal(s.seen[1].headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(s.seen[1].body), { set: { site: 'north' }, remove: [] });
  assert.equal(await api.tokens.revoke('tok_1'), undefined);
  const err = await api.groups.list().catch((e: unknown) => e);
  assert.ok(err instanceof ApiError);
  assert.equal(err.code, 'filter_syntax');
  assert.deepEqual(err.details, { position: 4 });
});

test('gives up after the timeout with a readable error', async (t) => {
  const s = await server(() => ({ status: 200, body: {}, delayMs: 1000 }));
  t.after(s.close);
  const api = createBrowserClient({ baseUrl: s.url, timeoutMs: 100 });
  await assert.rejects(api.me(), /did not answer within/);
});
