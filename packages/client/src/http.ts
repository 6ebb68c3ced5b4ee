import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { setDefaultTransport, type RawResponse, type TransportOptions } from './transport.js';

export { ApiError, call, send, type RawResponse, type Transport, type TransportOptions } from './transport.js';

/** The Node transport: node:https with the hub's CA pinned when given. */
export function nodeTransport(o: TransportOptions, method: string, path: string, body?: unknown): Promise<RawResponse> {
  const url = new URL(path, o.baseUrl);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (payload !== undefined) headers['content-type'] = 'application/json';
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.session) headers.cookie = `outpost_session=${o.session}`;
  const req = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const r = req(url, { method, headers, ca: o.caPem, timeout: o.timeoutMs ?? 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    r.on('timeout', () => r.destroy(new Error(`request to ${url.host} timed out`)));
    r.on('error', reject);
    if (payload !== undefined) r.write(payload);
    r.end();
  });
}

// Importing the Node entry makes node:https the default, so existing callers pass nothing new.
setDefaultTransport(nodeTransport);
