import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROUTES, routeKey, routeUrl, VIEWS_ROUTES, GROUPS_ROUTES } from '@outpost/protocol';
import { createClient } from './client.js';
import type { Transport } from './transport.js';

interface Sent {
  method: string;
  path: string;
}

/** A client whose every request is recorded and answered with an empty JSON object. */
function recordingClient() {
  const sent: Sent[] = [];
  const transport: Transport = async (_o, method, path) => {
    sent.push({ method, path });
    return { status: 200, headers: {}, body: '{}' };
  };
  return { client: createClient({ baseUrl: 'https://hub.invalid', transport }), sent };
}

/** Every function of the client, by its dotted name (the `options` and `guard.…` objects included). */
function methodsOf(obj: object, prefix = ''): Array<[string, (...args: unknown[]) => unknown]> {
  return Object.entries(obj).flatMap(([key, value]): Array<[string, (...args: unknown[]) => unknown]> => {
    if (key === 'options') return [];
    if (typeof value === 'function') return [[`${prefix}${key}`, value as (...args: unknown[]) => unknown]];
    if (value && typeof value === 'object') return methodsOf(value as object, `${prefix}${key}.`);
    return [];
  });
}

function tableRouteOf(s: Sent): string | undefined {
  const path = s.path.split('?')[0];
  const route = ROUTES.find((r) => {
    if (r.method !== s.method) return false;
    const pattern = new RegExp(`^${r.path.replace(/:[A-Za-z0-9_]+/g, '[^/]+')}$`);
    return pattern.test(path);
  });
  return route && routeKey(route);
}

test('routeUrl encodes path parameters into one segment each and leaves out undefined query values', () => {
  assert.equal(routeUrl(GROUPS_ROUTES.get, { path: 'plant/line 1' }), '/api/v1/groups/plant%2Fline%201');
  assert.equal(routeUrl(VIEWS_ROUTES.list, {}, { a: 1, b: undefined, c: true }), '/api/v1/views?a=1&c=true');
  assert.throws(() => routeUrl(VIEWS_ROUTES.get, {}), /needs the path parameter "id"/);
});

test('every request the client sends is a route of the table', async () => {
  const { client, sent } = recordingClient();
  const methods = methodsOf(client);
  assert.ok(methods.length >= 100, `only ${methods.length} client methods found`);
  for (const [, fn] of methods) {
    try {
      await fn('some-id', 'some-name', 'x');
    } catch {
      // Answers of the wrong shape may throw after the request went out: only the request matters here.
    }
  }
  assert.ok(sent.length >= 100, `only ${sent.length} requests sent`);
  const unknown = sent.filter((s) => !tableRouteOf(s)).map((s) => `${s.method} ${s.path}`);
  assert.deepEqual(unknown, []);
});
