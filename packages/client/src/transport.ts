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

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Carries one HTTP exchange: node:https in Node (http.ts), fetch in a browser (browser.ts). */
export type Transport = (o: TransportOptions, method: string, path: string, body?: unknown) => Promise<RawResponse>;

export interface TransportOptions {
  baseUrl: string;
  /** API token (opt_…) sent as a bearer token. */
  token?: string;
  /** Session cookie value, for callers that signed in with a password (Node; a browser sends its own cookie). */
  session?: string;
  /** PEM of the hub's CA, to verify its certificate (Node only; a browser uses its own trust store). */
  caPem?: string;
  timeoutMs?: number;
  /** How requests travel; unset means the Node transport (installed when `@outpost/client` is imported). */
  transport?: Transport;
}

let fallback: Transport | undefined;

/** Installs the transport used when the options name none; the Node entry installs node:https. */
export function setDefaultTransport(t: Transport): void {
  fallback ??= t;
}

/** One HTTP exchange with the hub; JSON in, JSON out. */
export function send(o: TransportOptions, method: string, path: string, body?: unknown): Promise<RawResponse> {
  const t = o.transport ?? fallback;
  if (!t)
    return Promise.reject(
      new Error('no HTTP transport: import @outpost/client in Node, or pass `transport` (see browser.ts)'),
    );
  return t(o, method, path, body);
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
    throw new ApiError(
      res.status,
      e.code ?? `http_${res.status}`,
      e.message ?? `HTTP ${res.status}`,
      e.requestId,
      e.details,
    );
  }
  return parsed as T;
}
