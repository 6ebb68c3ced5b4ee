// Browser entry of the client: the same typed API over fetch. It must not import http.ts (node:https).
import { createClient, type OutpostClient } from './client.js';
import type { RawResponse, Transport, TransportOptions } from './transport.js';

export { ApiError, type RawResponse, type Transport, type TransportOptions } from './transport.js';
export type { OutpostClient, ListDevicesQuery } from './client.js';
export { callRoute, type RouteCallInput } from './call-route.js';

/**
 * fetch with the page's own session cookie (`credentials: 'same-origin'`): the cookie is
 * HttpOnly, so script never sees it and `session` in the options is ignored here.
 */
export const fetchTransport: Transport = async (o, method, path, body) => {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), o.timeoutMs ?? 30_000);
  try {
    const res = await fetch(new URL(path, o.baseUrl), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal: ctrl.signal,
    });
    const out: RawResponse = { status: res.status, headers: {}, body: await res.text() };
    res.headers.forEach((v, k) => (out.headers[k] = v));
    return out;
  } catch (err) {
    if (ctrl.signal.aborted)
      throw new Error(`the hub did not answer within ${Math.round((o.timeoutMs ?? 30_000) / 1000)} s`);
    throw err;
  } finally {
    clearTimeout(timer);
  }
};

/** A client for pages served by the hub itself: same origin, session cookie, fetch. */
export function createBrowserClient(o: Partial<TransportOptions> = {}): OutpostClient {
  // `location` exists in browsers only; this file is also type-checked with Node's globals.
  const origin = (globalThis as { location?: { origin: string } }).location?.origin;
  if (!o.baseUrl && !origin) throw new Error('createBrowserClient needs a baseUrl outside a browser page');
  return createClient({ ...o, baseUrl: o.baseUrl ?? origin!, transport: o.transport ?? fetchTransport });
}
