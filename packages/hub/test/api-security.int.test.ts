import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { send, type OutpostClient } from '@outpost/client';
import { ROUTES, openApiPath } from '@outpost/protocol';
import { ADMIN_PASSWORD, eventually, startTestHub, type TestHub } from './support/test-hub.js';

interface Route {
  method: string;
  path: string;
}

// Routes anyone may call: the credential is in the body.
const PUBLIC = new Set([
  'POST /api/v1/auth/login',
  'POST /api/v1/enroll',
  // Single sign-on: the sign-in page's provider list, the redirects to and from a provider (their
  // credential is the provider's signed answer), and the CLI's one-time code with its verifier.
  'GET /api/v1/auth/oidc/providers',
  'GET /api/v1/auth/oidc/{provider}/start',
  'GET /api/v1/auth/oidc/{provider}/callback',
  'POST /api/v1/auth/oidc/exchange',
  // Back from a provider's end-session page (a single-use state is the credential), and the device
  // grant: its start asks the provider, its poll needs the handle and the verifier the CLI kept.
  'GET /api/v1/auth/oidc/{provider}/signed-out',
  'POST /api/v1/auth/oidc/{provider}/device',
  'POST /api/v1/auth/oidc/device/poll',
  // The device's side of file transfers: its certificate and the transfer token are the credential
  // (a request without a device certificate is 401 whatever session comes with it).
  'POST /api/v1/device-files/transfers/{id}/outcome',
  'PUT /api/v1/device-files/transfers/{id}/content',
  'GET /api/v1/device-files/transfers/{id}/content',
]);
// Mutations a viewer may do to their own session.
const VIEWER_MUTATIONS = new Set([
  'POST /api/v1/auth/logout',
  // Everyone changes their own password (the current one is the proof).
  'POST /api/v1/auth/password',
  // Everyone manages their own second factor.
  'POST /api/v1/auth/mfa/enroll',
  'POST /api/v1/auth/mfa/confirm',
  'POST /api/v1/auth/mfa/verify',
  'POST /api/v1/auth/mfa/recovery-codes',
  'DELETE /api/v1/auth/mfa',
  // Everyone keeps their own saved views (views.test.ts covers who may change which).
  'POST /api/v1/views',
  'PATCH /api/v1/views/{id}',
  'DELETE /api/v1/views/{id}',
]);

function concrete(path: string): string {
  return path.replace(/\{[^}]+\}/g, 'some-id');
}

describe('API authorization and input handling', () => {
  let t: TestHub;
  let routes: Route[];
  let viewer: OutpostClient;
  before(async () => {
    t = await startTestHub({ loginMaxFailures: 3 });
    viewer = await t.userClient('viewer');
    const doc = JSON.parse((await send(t.anonymous().options, 'GET', '/api/v1/openapi.json')).body) as {
      paths: Record<string, Record<string, unknown>>;
    };
    routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => ({ method: m.toUpperCase(), path })),
    );
  });
  after(() => t.stop());

  it('publishes an OpenAPI document that lists the API: every route of the protocol table but its WebSockets', () => {
    assert.ok(routes.length >= 25, `only ${routes.length} operations`);
    assert.ok(routes.some((r) => r.method === 'GET' && r.path === '/api/v1/devices'));
    const documented = routes.map((r) => `${r.method} ${r.path}`).sort();
    const table = ROUTES.filter((r) => !r.websocket).map((r) => `${r.method} ${openApiPath(r.path)}`);
    assert.deepEqual(documented, table.sort());
  });

  it('answers 401 to an unauthenticated request on every non-public route', async () => {
    for (const r of routes) {
      if (PUBLIC.has(`${r.method} ${r.path}`)) continue;
      const res = await send(
        t.anonymous().options,
        r.method,
        concrete(r.path),
        r.method === 'GET' || r.method === 'DELETE' ? undefined : {},
      );
      assert.equal(res.status, 401, `${r.method} ${r.path} gave ${res.status}`);
      assert.equal(JSON.parse(res.body).code, 'unauthenticated');
    }
  });

  it('answers 403 to a viewer on every mutating route, and changes nothing', async () => {
    const before = await t.admin.audit.list({ limit: 1 });
    let checked = 0;
    for (const r of routes) {
      const key = `${r.method} ${r.path}`;
      if (r.method === 'GET' || PUBLIC.has(key) || VIEWER_MUTATIONS.has(key)) continue;
      const res = await send(viewer.options, r.method, concrete(r.path), r.method === 'DELETE' ? undefined : {});
      assert.equal(res.status, 403, `${key} gave ${res.status} to a viewer`);
      assert.equal(JSON.parse(res.body).code, 'forbidden');
      checked++;
    }
    assert.ok(checked >= 15, `only ${checked} mutating routes`);
    // Nothing changed: the only new records are the refusals themselves (and a summary of those).
    const since = await t.admin.audit.list({ limit: 1000 });
    const added = since.items.filter((a) => a.seq > before.items[0].seq);
    assert.deepEqual([...new Set(added.map((a) => `${a.action} ${a.outcome}`))], ['api.refused denied']);
    assert.equal(added.length, Math.min(checked, 20));
  });

  it('lets a viewer read, and an operator token act within its role', async () => {
    await viewer.devices.list();
    await viewer.audit.verify();
    const op = await t.userClient('operator');
    await assert.rejects(op.users.list(), (e: { status: number }) => e.status === 403);
    await assert.rejects(
      op.tokens.create({ name: 'escalate', role: 'admin' }),
      (e: { status: number }) => e.status === 403,
    );
    const tok = await op.tokens.create({ name: 'ci', role: 'viewer' });
    const asToken = { ...t.anonymous().options, token: tok.token };
    assert.equal((await send(asToken, 'GET', '/api/v1/devices')).status, 200);
    assert.equal((await send(asToken, 'POST', '/api/v1/groups', { path: 'x', kind: 'static' })).status, 403);
    await op.tokens.revoke(tok.record.id);
    assert.equal((await send(asToken, 'GET', '/api/v1/devices')).status, 401);
  });

  it('rejects malformed JSON, wrong types, unknown fields and oversized bodies with stable codes', async () => {
    const o = t.admin.options;
    const raw = async (body: string, type = 'application/json') => {
      const { request } = await import('node:https');
      return new Promise<{ status: number; body: string }>((resolve, reject) => {
        const url = new URL('/api/v1/groups', o.baseUrl);
        const r = request(
          url,
          { method: 'POST', ca: o.caPem, headers: { 'content-type': type, cookie: `outpost_session=${o.session}` } },
          (res) => {
            let b = '';
            res.on('data', (c) => (b += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: b }));
          },
        );
        r.on('error', reject);
        r.end(body);
      });
    };
    const cases: Array<[string, number, string]> = [
      ['{"path": "a", "kind": ', 400, 'malformed_json'],
      ['{"path": 12, "kind": "static"}', 400, 'validation_failed'],
      ['{"path": "a", "kind": "static", "evil": true}', 400, 'validation_failed'],
      ['{"path": "a", "kind": "galaxy"}', 400, 'validation_failed'],
      [JSON.stringify({ path: 'a', kind: 'static', description: 'x'.repeat(400_000) }), 413, 'payload_too_large'],
    ];
    for (const [body, status, code] of cases) {
      const r = await raw(body);
      assert.equal(r.status, status, body.slice(0, 40));
      const parsed = JSON.parse(r.body);
      assert.equal(parsed.code, code);
      assert.match(parsed.requestId, /^req_/);
    }
    assert.equal((await t.admin.groups.list()).items.length, 0);
  });

  it('reports a filter syntax error with its position', async () => {
    const res = await send(
      t.admin.options,
      'GET',
      `/api/v1/devices?filter=${encodeURIComponent('model = "gw-200" and and')}`,
    );
    assert.equal(res.status, 400);
    const body = JSON.parse(res.body);
    assert.equal(body.code, 'filter_syntax');
    assert.equal(typeof body.details.position, 'number');
    assert.ok(body.details.position >= 17);
  });

  it('sets an HttpOnly, SameSite=Strict session cookie and audits sign-ins', async () => {
    const res = await send(t.anonymous().options, 'POST', '/api/v1/auth/login', {
      username: 'admin',
      password: ADMIN_PASSWORD,
    });
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).join(';');
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Strict/i);
    assert.match(cookie, /Secure/i);
    const ok = await t.admin.audit.list({ action: 'auth.login' });
    assert.ok(ok.items.some((a) => a.outcome === 'ok' && a.actor === 'admin'));
  });

  it('rate-limits failed sign-ins and audits every failure', async () => {
    const anon = t.anonymous();
    for (let i = 0; i < 3; i++)
      await assert.rejects(anon.login('admin2', 'wrong'), (e: { code: string }) => e.code === 'invalid_credentials');
    await assert.rejects(
      anon.login('admin2', 'wrong'),
      (e: { code: string; status: number }) => e.code === 'rate_limited' && e.status === 429,
    );
    const audit = await t.admin.audit.list({ action: 'auth.login' });
    assert.equal(audit.items.filter((a) => a.outcome === 'failed' && a.actor === 'admin2').length, 3);
    assert.ok(audit.items.some((a) => a.outcome === 'denied' && a.details.reason === 'rate_limited'));
  });

  it('never writes passwords, session cookies or token secrets to its log', async () => {
    const tok = await t.admin.tokens.create({ name: 'secret-check', role: 'viewer' });
    await send({ ...t.anonymous().options, token: tok.token }, 'GET', '/api/v1/devices');
    const enr = await t.admin.enrollment.createToken({ label: 'secret-check' });
    // The hub logs a request once it has answered: wait for the last one's line to reach the file.
    await eventually(() => t.logText().includes('"method":"POST","route":"/api/v1/enrollment-tokens"'), 15_000, 50);
    const log = t.logText();
    assert.ok(log.length > 0);
    for (const secret of [ADMIN_PASSWORD, tok.token, enr.token, t.admin.options.session!])
      assert.ok(!log.includes(secret), 'a secret reached the log');
    const audit = JSON.stringify((await t.admin.audit.list({ limit: 1000 })).items);
    for (const secret of [ADMIN_PASSWORD, tok.token, enr.token])
      assert.ok(!audit.includes(secret), 'a secret reached the audit log');
  });

  it('serves /healthz and Prometheus /metrics', async () => {
    assert.equal((await send(t.anonymous().options, 'GET', '/healthz')).status, 200);
    const m = await send(t.anonymous().options, 'GET', '/metrics');
    assert.match(m.body, /outpost_devices_connected/);
  });
});
