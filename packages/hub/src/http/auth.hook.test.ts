import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import cookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AuditEntry, AuditLog } from '../domains/audit/index.js';
import type { UsersService } from '../domains/users/index.js';
import type { Principal } from '../domains/users/principal.js';
import { createDeviceScopes, type DeviceScopeDirectory, type DeviceSelector } from '../domains/devices/index.js';
import { installAuth, SESSION_COOKIE } from './auth.hook.js';
import { mapError } from './error-mapper.js';

// In-process requests (Fastify inject): no socket is opened.
describe('state changes carried by the session cookie', () => {
  const admin: Principal = { kind: 'user', id: 'u1', userId: 'u1', username: 'admin', role: 'admin', sourceIp: null };
  const users = {
    principalFromSession: async () => admin,
    principalFromApiToken: async () => ({ ...admin, kind: 'token' as const }),
  } as unknown as UsersService;
  const recorded: AuditEntry[] = [];
  const audit = { recordBounded: async (e: AuditEntry) => void recorded.push(e) } as unknown as AuditLog;
  let app: FastifyInstance;
  before(async () => {
    app = Fastify();
    await app.register(cookie);
    // Every caller here is unscoped: the scope never asks the (absent) inventory anything.
    const scopes = createDeviceScopes({ selector: {} as DeviceSelector, devices: {} as DeviceScopeDirectory });
    installAuth(app, users, audit, async () => scopes.all);
    app.setErrorHandler(mapError);
    app.post('/api/v1/rollouts/r1/cancel', { config: { role: 'operator' } }, async () => ({ state: 'canceled' }));
    app.get('/api/v1/rollouts', { config: { role: 'viewer' } }, async () => ({ items: [] }));
    await app.ready();
  });
  after(() => app.close());

  const cancel = (headers: Record<string, string>) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/rollouts/r1/cancel',
      headers: { host: 'hub.example:8443', ...headers },
    });
  const withCookie = { cookie: `${SESSION_COOKIE}=abc` };

  it('refuses one sent from another site, naming why, before the route runs', async () => {
    for (const headers of [
      { ...withCookie, origin: 'https://evil.example' },
      { ...withCookie, origin: 'https://hub.example:9443' },
      { ...withCookie, origin: 'null' },
      { ...withCookie, 'sec-fetch-site': 'cross-site' },
    ]) {
      const res = await cancel(headers);
      assert.equal(res.statusCode, 403, JSON.stringify(headers));
      assert.deepEqual([res.json().code, res.json().details], ['forbidden', { reason: 'cross_site' }]);
    }
    // Each refusal is in the audit log, as the signed-in user who was refused.
    assert.equal(recorded.length, 4);
    assert.deepEqual(recorded[0], {
      actor: { type: 'user', id: 'admin', sourceIp: null },
      action: 'api.refused',
      target: 'POST /api/v1/rollouts/r1/cancel',
      outcome: 'denied',
      details: { code: 'forbidden', reason: 'cross_site' },
    });
  });

  it("accepts the hub's own pages, clients that send no Origin, bearer tokens and reads", async () => {
    assert.equal((await cancel({ ...withCookie, origin: 'https://hub.example:8443' })).statusCode, 200);
    assert.equal((await cancel({ ...withCookie, 'sec-fetch-site': 'same-origin' })).statusCode, 200);
    assert.equal((await cancel(withCookie)).statusCode, 200);
    assert.equal((await cancel({ authorization: 'Bearer opt_x', origin: 'https://evil.example' })).statusCode, 200);
    const read = await app.inject({
      method: 'GET',
      url: '/api/v1/rollouts',
      headers: { host: 'hub.example:8443', ...withCookie, origin: 'https://evil.example' },
    });
    assert.equal(read.statusCode, 200);
  });
});
