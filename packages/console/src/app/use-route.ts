import { callRoute, type RouteCallInput } from '@outpost/client/browser';
import type { RouteDefinition, RouteResponse, TypedRouteId } from '@outpost/protocol';
import { api } from './api.js';
import { useAsync, type AsyncState } from './use-async.js';

export type { RouteResponse };

/** A GET route of the protocol's table whose response type the table gives (`ROUTE_RESPONSES`). */
export type TypedGetRoute = RouteDefinition & { readonly id: TypedRouteId; readonly method: 'GET' };

/** Calls `route` through the page's client (session cookie, step-up prompt); typed by the route table. */
export function loadRoute<R extends TypedGetRoute>(route: R, input: RouteCallInput<R> = {}): Promise<RouteResponse<R>> {
  return callRoute<RouteResponse<R>, R>(api.options, route, input);
}

/**
 * Loads `route` when it, its input or `deps` change: path parameters, query and answer are typed by
 * the route table (the route's schemas and `ROUTE_RESPONSES`), so a page names no response type.
 */
export function useRoute<R extends TypedGetRoute>(
  route: R,
  input: RouteCallInput<R> = {},
  deps: unknown[] = [],
): AsyncState<RouteResponse<R>> {
  return useAsync(() => loadRoute(route, input), [route.id, JSON.stringify(input), ...deps]);
}
