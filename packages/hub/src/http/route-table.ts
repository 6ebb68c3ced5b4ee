import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions, RouteShorthandOptions } from 'fastify';
import {
  ROUTES,
  routeKey,
  type RouteDefinition,
  type RoutePart,
  type RouteResponse,
  type TypedRouteId,
} from '@outpost/protocol';

/** A request to `R`, typed by the schemas the route declares. */
export type RouteRequest<R extends RouteDefinition> = FastifyRequest<{
  Params: RoutePart<R['params'], Record<string, string>>;
  Querystring: RoutePart<R['query'], Record<string, string>>;
  Body: RoutePart<R['body'], unknown>;
}>;

/**
 * What a handler of `R` may return. For a route whose answer `ROUTE_RESPONSES` types, the body it
 * returns must be that type (the console reads it as such), or the reply it sent itself (an error,
 * a stream); for any other route, anything.
 */
export type RouteAnswer<R extends RouteDefinition> = R['id'] extends TypedRouteId
  ? RouteResponse<R> | FastifyReply
  : unknown;

export type RouteHandler<R extends RouteDefinition> = (
  req: RouteRequest<R>,
  reply: FastifyReply,
) => RouteAnswer<R> | Promise<RouteAnswer<R>>;

/** Route options a definition does not carry (body limits, extra validation), rarely needed. */
export type ServeOptions = Omit<RouteShorthandOptions, 'config' | 'schema'>;

/** Registers `route` from its definition: method, path, role, schemas and OpenAPI tag. */
export function serve<R extends RouteDefinition>(
  app: FastifyInstance,
  route: R,
  handler: RouteHandler<R>,
  options: ServeOptions = {},
): void {
  app.route({
    ...options,
    method: route.method,
    url: route.path,
    config: routeConfig(route),
    schema: {
      tags: [route.tag],
      ...(route.summary ? { summary: route.summary } : {}),
      ...(route.description ? { description: route.description } : {}),
      ...(route.params ? { params: route.params } : {}),
      ...(route.query ? { querystring: route.query } : {}),
      ...(route.body ? { body: route.body } : {}),
      ...(route.response ? { response: route.response } : {}),
    },
    handler: handler as RouteOptions['handler'],
  } as RouteOptions);
}

/** What the auth hook reads of a route: its role, the duty roles it admits, its scope. */
export function routeConfig(route: RouteDefinition) {
  return {
    role: route.role,
    ...(route.mfaSetup ? { mfaSetup: true } : {}),
    ...(route.alsoFor ? { alsoFor: route.alsoFor } : {}),
    ...(route.scope ? { scope: route.scope } : {}),
  };
}

/** The differences between the routes a hub registered under /api/v1 and the route table. */
export interface RouteTableMismatch {
  /** Registered by the hub, missing from the table. */
  notInTable: string[];
  /** In the table, not registered by the hub. */
  notServed: string[];
  /** Registered with another role than the table gives. */
  wrongRole: string[];
}

/** `/api/v1` routes the hub serves only for itself: its own OpenAPI document. */
const OUTSIDE_TABLE = new Set(['GET /api/v1/openapi.json']);

export interface RegisteredRoute {
  method: string;
  path: string;
  role: string | undefined;
}

/** Compares registered routes with `table` (every route of the protocol by default). */
export function compareWithTable(
  registered: readonly RegisteredRoute[],
  table: readonly RouteDefinition[] = ROUTES,
): RouteTableMismatch {
  const api = registered.filter((r) => r.path.startsWith('/api/v1/') && !OUTSIDE_TABLE.has(routeKey(r)));
  const byKey = new Map(table.map((r) => [routeKey(r), r]));
  const served = new Set(api.map(routeKey));
  return {
    notInTable: api.filter((r) => !byKey.has(routeKey(r))).map(routeKey),
    notServed: table.filter((r) => !served.has(routeKey(r))).map(routeKey),
    wrongRole: api
      .filter((r) => byKey.has(routeKey(r)) && byKey.get(routeKey(r))?.role !== r.role)
      .map((r) => `${routeKey(r)} (${r.role ?? 'none'}, table says ${byKey.get(routeKey(r))?.role})`),
  };
}

/** Lists every route registered from now on (HEAD twins of GET routes left out). */
export function recordRoutes(app: FastifyInstance): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (r) => {
    for (const method of ([] as string[]).concat(r.method)) {
      if (method === 'HEAD') continue;
      routes.push({ method, path: r.url, role: (r.config as { role?: string } | undefined)?.role });
    }
  });
  return routes;
}

/**
 * Refuses to start a hub whose /api/v1 routes differ from the protocol's route table, so a route
 * added on one side only fails every test that starts a hub. Install before registering routes.
 */
export function enforceRouteTable(app: FastifyInstance): void {
  const registered = recordRoutes(app);
  app.addHook('onReady', async () => {
    const m = compareWithTable(registered);
    const problems = [
      ...m.notInTable.map((k) => `${k} is served but not in the route table`),
      ...m.notServed.map((k) => `${k} is in the route table but not served`),
      ...m.wrongRole.map((k) => `${k}: role differs from the route table`),
    ];
    if (problems.length > 0) throw new Error(`the hub's routes differ from the route table:\n${problems.join('\n')}`);
  });
}
