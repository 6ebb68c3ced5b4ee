import { routeUrl, type QueryValue, type RouteBody, type RouteDefinition, type RoutePart } from '@outpost/protocol';
import { call, type TransportOptions } from './transport.js';

/**
 * The input of a call to `R`: path parameters, query values and body, typed by the route's schemas
 * when the route's type is known (the caller names no response type), loosely otherwise.
 */
export interface RouteCallInput<R extends RouteDefinition = RouteDefinition> {
  params?: RoutePart<R['params'], Record<string, string | number>>;
  query?: Partial<RoutePart<R['query'], Record<string, QueryValue>>>;
  body?: RouteBody<R>;
}

/** Calls a route of the protocol's table; `T` is the response body's type. */
export type RouteCaller = <T, R extends RouteDefinition = RouteDefinition>(
  route: R,
  input?: RouteCallInput<R>,
) => Promise<T>;

/** Calls `route` on the hub: its method, its path with encoded parameters, the query string and body. */
export function callRoute<T, R extends RouteDefinition = RouteDefinition>(
  o: TransportOptions,
  route: R,
  input: RouteCallInput<R> = {},
): Promise<T> {
  const url = routeUrl(route, input.params as Record<string, unknown>, input.query as Record<string, unknown>);
  return call<T>(o, route.method, url, input.body);
}

/** A `RouteCaller` bound to one hub's transport options. */
export function routeCaller(o: TransportOptions): RouteCaller {
  return (route, input) => callRoute(o, route, input);
}
