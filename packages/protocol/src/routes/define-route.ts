import type { Static, TSchema } from '@sinclair/typebox';
import { RANKED_ROLES, type DutyRole, type Role } from '../api-types.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * The least role a caller needs. 'public' routes take no session or API token: their credential is
 * in the body (sign-in, enrollment) or is the device's own (certificate, download token), checked
 * by the route itself.
 */
export type RouteRole = Role | 'public';

/**
 * How a route meets a caller's group scope (docs/ROLES.md). A scoped caller is a user confined to
 * some groups; an unscoped one (any role, admin included) sees every device.
 * - `none`: about the caller itself (its session, second factor, tokens) or public: no device in it.
 * - `device`: the path's `:id` names one device; outside the scope it is `404 device_not_found`,
 *   the same answer as a device that does not exist.
 * - `fleet`: spans devices; the hub narrows it to the caller's scope (lists, counts, filters,
 *   objects that target devices) and refuses what would reach outside with `403 outside_scope`.
 * - `global`: hub-wide settings about no device: a scoped caller may read them, not change them.
 * - `unscoped`: spans devices and is not narrowed per scope: open to unscoped callers only.
 */
export const ROUTE_SCOPES = ['none', 'device', 'fleet', 'global', 'unscoped'] as const;
export type RouteScope = (typeof ROUTE_SCOPES)[number];

/** One REST operation of the hub: where it lives, who may call it, and the shape of its input. */
export interface RouteDefinition {
  /** Stable name, `<area>.<operation>`. */
  readonly id: string;
  readonly method: HttpMethod;
  /** Fastify syntax: `/api/v1/devices/:id`. */
  readonly path: `/api/v1/${string}`;
  readonly role: RouteRole;
  /**
   * How the route meets a caller's group scope. Every route says; one that does not is refused to
   * scoped callers and fails the route-table test, which names it.
   */
  readonly scope?: RouteScope;
  /** Roles outside the ranking (technician, auditor) that may call it besides those `role` admits. */
  readonly alsoFor?: readonly DutyRole[];
  /** OpenAPI tag. */
  readonly tag: string;
  readonly summary?: string;
  /** OpenAPI description, for what the schemas cannot say (a stream's media type…). */
  readonly description?: string;
  /** Open to a signed-in user who must still enroll the second factor their role requires. */
  readonly mfaSetup?: boolean;
  /** A WebSocket upgrade: served by the hub, left out of the OpenAPI document. */
  readonly websocket?: boolean;
  readonly params?: TSchema;
  readonly query?: TSchema;
  readonly body?: TSchema;
  readonly response?: Readonly<Record<number, TSchema>>;
}

/** The static type of a schema slot of a route, or `Fallback` when the route declares none. */
export type RoutePart<S, Fallback> = S extends TSchema ? Static<S> : Fallback;
export type RouteParams<R extends RouteDefinition> = RoutePart<R['params'], Record<string, string>>;
export type RouteQuery<R extends RouteDefinition> = RoutePart<R['query'], Record<string, QueryValue>>;
export type RouteBody<R extends RouteDefinition> = RoutePart<R['body'], unknown>;
export type QueryValue = string | number | boolean | undefined;

const RANK: readonly string[] = RANKED_ROLES;

/**
 * True when `role` may do all that `needed` may: admin > operator > viewer, and an operator also
 * covers a technician (it sees devices and opens sessions); a duty role covers only itself.
 */
export function roleAllows(role: Role, needed: Role): boolean {
  if (role === needed || role === 'admin') return true;
  if (RANK.includes(role) && RANK.includes(needed)) return RANK.indexOf(role) <= RANK.indexOf(needed);
  return needed === 'technician' && role === 'operator';
}

/** True when a caller of `role` may call `route` (a public route is open to anyone). */
export function routeAllows(role: Role, route: Pick<RouteDefinition, 'role' | 'alsoFor'>): boolean {
  if (route.role === 'public') return true;
  return roleAllows(role, route.role) || (route.alsoFor ?? []).some((r) => r === role);
}

/** Declares a route; the literal types of its fields (and its schemas) are kept for callers. */
export function defineRoute<const R extends RouteDefinition>(route: R): R {
  return Object.freeze(route);
}

/** `GET /api/v1/devices/:id`: how tests and checks name a route. */
export function routeKey(route: { method: string; path: string }): string {
  return `${route.method} ${route.path}`;
}

/** The OpenAPI form of a route path: `/api/v1/devices/{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** Path parameter names in order of appearance. */
export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);
}

/**
 * The URL of a call to `route`: each `:name` replaced by its URL-encoded value (values may hold
 * "/", such as group paths, and travel in one segment), then the defined query values.
 */
export function routeUrl(
  route: Pick<RouteDefinition, 'path'>,
  params: Record<string, unknown> = {},
  query: Record<string, unknown> = {},
): string {
  const path = route.path.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined || value === null) {
      throw new Error(`route ${route.path} needs the path parameter "${name}"`);
    }
    return encodeURIComponent(String(value));
  });
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) search.set(key, String(value));
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}
