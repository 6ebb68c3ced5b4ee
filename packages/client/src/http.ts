import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import type { ErrorBody } from '@outpost/protocol';

/** A failed API call, carrying the hub's stable error code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface TransportOptions {
  baseUrl: string;
  /** API token (opt_…) sent as a bearer token. */
  token?: string;
  /** Session cookie value, for callers that signed in with a password. */
  session?: string;
  /** PEM of the hub's CA, to verify its certificate. */
  caPem?: string;
  timeoutMs?: number;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP exchange with the hub; JSON in, JSON out. */
export function send(o: TransportOptions, method: string, path: string, body?: unknown): Promise<RawResponse> {
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
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    r.on('timeout', () => r.destroy(new Error(`request to ${url.host} timed out`)));
    r.on('error', reject);
    if (payload !== undefined) r.write(payload);
    r.end();
  });
}

export async function call<T>(o: TransportOptions, method: string, path: string, body?: unknown): Promise<T> {
  const res = await send(o, method, path, body);
  if (res.status === 204) return undefined as T;
  let parsed: unknown;
  try {
    parsed = res.body ? JSON.parse(res.body) : undefined;
  } catch {
    throw new ApiError(res.status, 'bad_response', `the hub answered HTTP ${res.status} with a body that is not JSON`);
  }
  if (res.status >= 400) {
    const e = (parsed ?? {}) as Partial<ErrorBody>;
    throw new ApiError(res.status, e.code ?? `http_${res.status}`, e.message ?? `HTTP ${res.status}`, e.requestId, e.details);
  }
  return parsed as T;
}
