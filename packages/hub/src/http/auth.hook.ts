import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ErrorCode, routeAllows, type DutyRole, type Role, type RouteScope } from '@outpost/protocol';
import { Forbidden, HubError, Unauthenticated } from '../platform/errors.js';
import type { UsersService } from '../domains/users/users.service.js';
import { actorOf, type Principal } from '../domains/users/principal.js';
import type { Actor, AuditLog } from '../domains/audit/index.js';
import { deviceNotFound, outsideScope, type DeviceScope } from '../domains/devices/index.js';

export const SESSION_COOKIE = 'outpost_session';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    /** The devices the caller may see, built once per authenticated request. */
    deviceScope: DeviceScope | null;
  }
  interface FastifyContextConfig {
    /** Least role a caller needs; 'public' for unauthenticated routes. Every route must say. */
    role?: Role | 'public';
    /** Duty roles (technician, auditor) admitted besides those `role` admits. */
    alsoFor?: readonly DutyRole[];
    /** How the route meets a caller's group scope; a route without one is closed to scoped callers. */
    scope?: RouteScope;
    /** Open to a signed-in user who must still enroll the second factor their role requires. */
    mfaSetup?: boolean;
  }
}

// Refusals that land in the audit log: a caller the hub knows (or one presenting a credential it
// refused) was told no. Anonymous requests without any credential are not recorded.
const REFUSALS = new Set<string>([
  ErrorCode.Forbidden,
  ErrorCode.AccessDenied,
  ErrorCode.MfaEnrollmentRequired,
  ErrorCode.MfaStepUpRequired,
  ErrorCode.Unauthenticated,
  ErrorCode.OutsideScope,
]);

/** Turns a caller into the devices it may see (its group scope, evaluated now). */
export type ScopeOf = (principal: Principal) => Promise<DeviceScope>;

/** Checks every request against the role its route declares; a route that declares none is refused. */
export function installAuth(app: FastifyInstance, users: UsersService, audit: AuditLog, scopeOf: ScopeOf): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('deviceScope', null);
  app.addHook('onError', async (req, _reply, err) => {
    if (!(err instanceof HubError) || !REFUSALS.has(err.code)) return;
    const presented = !!req.headers.authorization || !!req.cookies?.[SESSION_COOKIE];
    if (!req.principal && !presented) return;
    // Refused before authentication (a cross-site request): still named after whose session it carried.
    const who = req.principal ?? (await authenticate(req, users).catch(() => null));
    await audit.recordBounded({
      actor: who ? actorOf(who) : { type: 'anonymous', id: 'credential refused', sourceIp: req.ip },
      action: 'api.refused',
      target: req.routeOptions.url ? `${req.method} ${req.routeOptions.url}` : null,
      outcome: 'denied',
      details: { code: err.code, ...(typeof err.details?.reason === 'string' ? { reason: err.details.reason } : {}) },
    });
  });
  app.addHook('onRequest', async (req) => {
    refuseCrossSiteCookie(req);
    const needed = req.routeOptions.config?.role;
    if (needed === 'public') return;
    if (req.routeOptions.url === undefined) return; // 404s go to the not-found handler
    if (!needed) throw new Forbidden('this route has no access rule');
    req.principal = await authenticate(req, users);
    if (!req.principal) throw new Unauthenticated();
    const alsoFor = req.routeOptions.config?.alsoFor;
    if (!routeAllows(req.principal.role, { role: needed, alsoFor }))
      throw new Forbidden(
        `this needs the ${[needed, ...(alsoFor ?? [])].join(' or ')} role; you are ${req.principal.role}`,
      );
    if (req.principal.mfaPending && !req.routeOptions.config?.mfaSetup) {
      throw new HubError(
        ErrorCode.MfaEnrollmentRequired,
        req.principal.kind === 'token'
          ? 'the owner of this token has a role that requires a second factor: the token works again once they enroll one'
          : 'your role requires a second factor: enroll one first (outpost mfa enroll)',
      );
    }
    req.deviceScope = await scopeOf(req.principal);
    await enforceScope(req, req.deviceScope);
  });
}

/**
 * Holds a group-scoped caller to the route's scope declaration (define-route.ts, docs/ROLES.md);
 * `fleet` routes narrow what they answer themselves, through `deviceScopeOf(req)`.
 */
async function enforceScope(req: FastifyRequest, scope: DeviceScope): Promise<void> {
  if (scope.unrestricted) return;
  const kind = req.routeOptions.config?.scope;
  const route = `${req.method} ${req.routeOptions.url ?? ''}`;
  switch (kind) {
    case 'none':
    case 'fleet':
      return;
    case 'device': {
      const id = (req.params as { id?: unknown } | undefined)?.id;
      if (typeof id !== 'string' || !(await scope.contains(id))) throw deviceNotFound(String(id ?? ''));
      return;
    }
    case 'global':
      if (req.method === 'GET') return;
      throw outsideScope(`${route} changes the whole hub; you are confined to ${scope.groups.join(', ')}`, {
        reason: 'global_change',
      });
    default:
      throw outsideScope(`${route} spans the whole fleet: it is open only to users who see every device`, {
        reason: 'unscoped_route',
      });
  }
}

/** The devices the caller of an authenticated route may see. */
export function deviceScopeOf(req: FastifyRequest): DeviceScope {
  if (!req.deviceScope) throw new Forbidden('this route has no caller to scope');
  return req.deviceScope;
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * A state change carried by the session cookie must come from the hub's own pages: a browser
 * names the page that sent a request (`Origin`, `Sec-Fetch-Site`), and one on another site is
 * refused before anything runs. SameSite=Strict already keeps the cookie off cross-site
 * requests in current browsers; this holds where it does not. Bearer tokens are never sent by a
 * browser on its own, and the CLI sends no `Origin`, so neither is affected.
 */
const crossSite = () =>
  new HubError(ErrorCode.Forbidden, 'a request from another site may not use the session', { reason: 'cross_site' });

export function refuseCrossSiteCookie(req: FastifyRequest): void {
  if (!UNSAFE_METHODS.has(req.method) || req.headers.authorization || !req.cookies?.[SESSION_COOKIE]) return;
  if (req.headers['sec-fetch-site'] === 'cross-site') throw crossSite();
  const origin = req.headers.origin;
  if (origin === undefined) return;
  let host: string | null = null;
  try {
    host = new URL(origin).host;
  } catch {
    // `Origin: null` (a sandboxed frame, a file) or garbage: not the hub's own page.
  }
  if (host !== req.headers.host) throw crossSite();
}

/** The principal behind a request's bearer token or session cookie, if still valid (long-lived streams re-check with it). */
export async function authenticate(req: FastifyRequest, users: UsersService): Promise<Principal | null> {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return users.principalFromApiToken(auth.slice(7).trim(), req.ip);
  const cookie = req.cookies?.[SESSION_COOKIE];
  if (cookie) return users.principalFromSession(cookie, req.ip);
  return null;
}

/** The audited actor of an authenticated request. */
export function actor(req: FastifyRequest): Actor {
  if (!req.principal) return { type: 'anonymous', id: 'anonymous', sourceIp: req.ip };
  return actorOf(req.principal);
}
