import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { ROUTES, ROUTE_SCOPES, openApiPath, pathParamNames, routeKey } from '@outpost/protocol';
import { compareWithTable, enforceRouteTable, recordRoutes } from '../src/http/route-table.js';
import { registerAllRoutes } from './support/register-all-routes.js';

const DOMAINS = fileURLToPath(new URL('../src/domains', import.meta.url));
const SUPPORT = fileURLToPath(new URL('./support/register-all-routes.ts', import.meta.url));

function routeFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) routeFiles(p, out);
    else if (name.endsWith('.routes.ts')) out.push(p);
  }
  return out;
}

async function hubRoutes(): Promise<{ app: FastifyInstance; registered: ReturnType<typeof recordRoutes> }> {
  const app = Fastify() as unknown as FastifyInstance;
  await app.register(swagger, { openapi: { openapi: '3.0.3', info: { title: 'route table', version: '1' } } });
  const registered = recordRoutes(app);
  registerAllRoutes(app);
  await app.ready();
  return { app, registered };
}

test('the hub serves exactly the routes of the table, each with the role the table gives', async () => {
  const { app, registered } = await hubRoutes();
  try {
    assert.deepEqual(compareWithTable(registered), { notInTable: [], notServed: [], wrongRole: [] });
  } finally {
    await app.close();
  }
});

test('the OpenAPI document lists exactly the table routes that are not WebSocket upgrades', async () => {
  const { app } = await hubRoutes();
  try {
    const doc = app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const table = ROUTES.filter((r) => !r.websocket).map((r) => `${r.method} ${openApiPath(r.path)}`);
    assert.deepEqual([...documented].sort(), [...table].sort());
  } finally {
    await app.close();
  }
});

test('the route check registers every route function the domains export', () => {
  const support = readFileSync(SUPPORT, 'utf8');
  const exported = routeFiles(DOMAINS).flatMap((f) =>
    [...readFileSync(f, 'utf8').matchAll(/export function (register\w+Routes)\(/g)].map((m) => m[1]),
  );
  assert.ok(exported.length >= 20, `only ${exported.length} route functions found`);
  for (const name of exported)
    assert.match(support, new RegExp(`\\b${name}\\(app`), `${name} is not registered by the check`);
});

test('table routes have unique ids and unique method and path, and declare the path parameters they use', () => {
  assert.equal(new Set(ROUTES.map((r) => r.id)).size, ROUTES.length, 'duplicate route id');
  assert.equal(new Set(ROUTES.map(routeKey)).size, ROUTES.length, 'duplicate method and path');
  for (const r of ROUTES) {
    assert.match(r.path, /^\/api\/v1\//, r.id);
    if (!r.params) continue;
    const declared = Object.keys((r.params as { properties?: object }).properties ?? {}).sort();
    assert.deepEqual(declared, pathParamNames(r.path).sort(), `${r.id}: params schema and path differ`);
  }
});

test('every route says how it meets a group scope (define-route.ts: none, device, fleet, global, unscoped)', () => {
  const missing = ROUTES.filter((r) => !r.scope || !(ROUTE_SCOPES as readonly string[]).includes(r.scope));
  assert.deepEqual(
    missing.map((r) => `${r.id} (${routeKey(r)})`),
    [],
    'these routes declare no scope: add `scope:` to their defineRoute (a scoped user is refused them until then)',
  );
  for (const r of ROUTES.filter((x) => x.scope === 'device'))
    assert.ok(pathParamNames(r.path).includes('id'), `${r.id}: a device-scoped route names the device as :id`);
  for (const r of ROUTES.filter((x) => x.role === 'public'))
    assert.equal(r.scope, 'none', `${r.id}: a public route has no caller to scope`);
});

test('no route is left closed to group-scoped users: each is narrowed to the scope, or global (docs/ROLES.md)', () => {
  assert.deepEqual(
    ROUTES.filter((r) => r.scope === 'unscoped').map((r) => r.id),
    [],
    'narrow these by deviceScopeOf(req), or make them global and admin-only with the reason in their declaration',
  );
});

test('a hub whose routes differ from the table refuses to start, naming the difference', async () => {
  const app = Fastify() as unknown as FastifyInstance;
  enforceRouteTable(app);
  registerAllRoutes(app);
  app.get('/api/v1/not-in-the-table', { config: { role: 'viewer' } }, async () => ({}));
  await assert.rejects(async () => app.ready(), /GET \/api\/v1\/not-in-the-table is served but not in the route table/);
  await app.close().catch(() => undefined);
});

test('compareWithTable names routes missing on either side and roles that differ', () => {
  const table = [ROUTES[0], ROUTES[1]];
  const served = [
    { method: ROUTES[0].method, path: ROUTES[0].path, role: ROUTES[0].role === 'admin' ? 'viewer' : 'admin' },
    { method: 'GET', path: '/api/v1/extra', role: 'viewer' },
    { method: 'GET', path: '/api/v1/openapi.json', role: 'public' },
    { method: 'GET', path: '/healthz', role: 'public' },
  ];
  const m = compareWithTable(served, table);
  assert.deepEqual(m.notInTable, ['GET /api/v1/extra']);
  assert.deepEqual(m.notServed, [routeKey(ROUTES[1])]);
  assert.equal(m.wrongRole.length, 1);
});
