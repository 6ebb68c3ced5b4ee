import { send, type OutpostClient } from '@outpost/client';
import { routeAllows, type Role, type RouteDefinition } from '@outpost/protocol';

/** One caller of the route × role × scope matrix. */
export interface MatrixCaller {
  role: Role;
  scoped: boolean;
  client: OutpostClient;
  session: string;
  username: string;
}

/** The refusal a caller must get, or null where the route must let it through. */
export function expectedRefusal(
  c: { role: Role; scoped: boolean },
  route: RouteDefinition,
  inside: boolean,
): string | null {
  if (!routeAllows(c.role, route)) return 'forbidden';
  if (!c.scoped) return null;
  switch (route.scope) {
    case 'device':
      return inside ? null : 'device_not_found';
    case 'global':
      return route.method === 'GET' ? null : 'outside_scope';
    case 'none':
    case 'fleet':
      return null;
    default:
      return 'outside_scope';
  }
}

export const REFUSAL_STATUS: Record<string, number> = { forbidden: 403, outside_scope: 403, device_not_found: 404 };
export const REFUSAL_CODES = Object.keys(REFUSAL_STATUS);

/**
 * The route's URL with `:id` of a device route naming `deviceId`, a group `:path` an unknown group
 * inside the scope, every other parameter an unknown name.
 */
export function matrixUrl(route: RouteDefinition, deviceId: string): string {
  return route.path.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => {
    if (name === 'id' && route.scope === 'device') return encodeURIComponent(deviceId);
    return name === 'path' ? encodeURIComponent('plant/no-such-thing') : 'no-such-thing';
  });
}

/** Calls `route` as `c` with an empty body; the status, the error code and the body as text. */
export async function callRoute(c: MatrixCaller, route: RouteDefinition, deviceId: string) {
  const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
  const res = await send(c.client.options, route.method, matrixUrl(route, deviceId), body);
  let code: string | undefined;
  let reason: string | undefined;
  try {
    const parsed = JSON.parse(res.body) as { code?: string; details?: { reason?: string } };
    code = parsed.code;
    reason = parsed.details?.reason;
  } catch {
    code = undefined;
  }
  return { status: res.status, code, reason, text: res.body };
}

/** What a refusal of a target outside the scope looks like: 403 forbidden naming the group. */
export function refusedOutside(group: string) {
  return (e: { status: number; code: string; details?: { reason?: string; group?: string } }) =>
    e.status === 403 && e.code === 'forbidden' && e.details?.reason === 'outside_scope' && e.details.group === group;
}

/** A 404 of an object (or device) that lies outside the scope: the same answer as none at all. */
export const notFound = (e: { status: number; code: string }) =>
  e.status === 404 && (e.code === 'not_found' || e.code === 'device_not_found');
