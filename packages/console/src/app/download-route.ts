import type { RouteCallInput } from '@outpost/client/browser';
import { routeUrl, type FileRouteId, type RouteDefinition } from '@outpost/protocol';
import { ApiError } from './api.js';

/** A GET route the protocol's table says answers a file (`ROUTE_FILES`), not a JSON document. */
export type FileRoute = RouteDefinition & { readonly id: FileRouteId; readonly method: 'GET' };

/** A file as the hub sent it: its bytes, media type and headers (sealed digests, sizes). */
export interface DownloadedFile {
  bytes: ArrayBuffer;
  type: string;
  headers: Headers;
}

interface ErrorBody {
  code?: string;
  message?: string;
  requestId?: string;
  details?: Record<string, unknown>;
}

/**
 * Downloads the file `route` answers, with the session cookie, as bytes (a capture or an archive is
 * binary, so it does not go through the JSON client). A refusal throws the hub's `ApiError`, as a load does.
 */
export async function downloadRoute<R extends FileRoute>(
  route: R,
  input: Pick<RouteCallInput<R>, 'params' | 'query'> = {},
): Promise<DownloadedFile> {
  const url = routeUrl(route, input.params as Record<string, unknown>, input.query as Record<string, unknown>);
  const res = await fetch(url, { credentials: 'same-origin' });
  if (!res.ok) {
    const e = (await res.json().catch(() => ({}))) as ErrorBody;
    const code = e.code ?? `http_${res.status}`;
    throw new ApiError(res.status, code, e.message ?? `HTTP ${res.status}`, e.requestId, e.details);
  }
  return { bytes: await res.arrayBuffer(), type: res.headers.get('content-type') ?? '', headers: res.headers };
}
