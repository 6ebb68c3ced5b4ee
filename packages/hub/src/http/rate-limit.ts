import type { TLSSocket } from 'node:tls';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ErrorCode } from '@outpost/protocol';
import { HubError } from '../platform/errors.js';
import type { RequestLimit } from '../platform/throttle.js';

/**
 * Routes that cost the hub much more than a lookup (a report run, a full audit-chain walk, a
 * compliance report, an artifact upload, a device sign-in at a provider): each has its own budget per caller, a tenth of the rest.
 */
export const COSTLY_ROUTES = new Set([
  'POST /api/v1/reports/runs',
  'GET /api/v1/audit/verify',
  'GET /api/v1/compliance/report',
  'PUT /api/v1/artifacts/:id/content',
  // Each asks an identity provider for a device code on behalf of an anonymous caller.
  'POST /api/v1/auth/oidc/:provider/device',
]);
const COSTLY_SHARE = 10;

/** Who a request counts against: its API token, its signed-in user, its device certificate, else its address. */
export function rateKey(req: FastifyRequest): string {
  const p = req.principal;
  if (p) return p.kind === 'token' ? `token:${p.id}` : `user:${p.userId}`;
  const sock = req.raw.socket as TLSSocket;
  if (sock.authorized && typeof sock.getPeerCertificate === 'function') {
    const cn = sock.getPeerCertificate()?.subject?.CN;
    if (typeof cn === 'string') return `device:${cn}`;
  }
  return `ip:${req.ip}`;
}

function routeOf(req: FastifyRequest): string {
  return `${req.method} ${req.routeOptions.url ?? ''}`;
}

/**
 * Per-caller request limits on every route: `perMinute` for one API token, user, device or (not
 * signed in) address, and a separate tenth of it on each costly route. Runs after authentication,
 * so a token is counted as itself, not as the address it comes from. Counted by the hub's request
 * limit (platform/throttle.ts), so replicas on one PostgreSQL share each caller's budget. Every
 * answer says the limit, what remains and when the window ends (x-ratelimit-*); over the limit:
 * 429 `rate_limited` with Retry-After.
 */
export function installRateLimit(app: FastifyInstance, o: { perMinute: number; requests: RequestLimit }): void {
  const costly = Math.max(1, Math.floor(o.perMinute / COSTLY_SHARE));
  app.addHook('onRequest', async (req, reply) => {
    // /healthz answers load balancers many times a minute; it does nothing worth limiting.
    if (req.routeOptions.url === '/healthz') return;
    const route = routeOf(req);
    const isCostly = COSTLY_ROUTES.has(route);
    const v = await o.requests.take(
      isCostly ? `${rateKey(req)}|${route}` : rateKey(req),
      isCostly ? costly : o.perMinute,
    );
    reply.header('x-ratelimit-limit', v.limit);
    reply.header('x-ratelimit-remaining', v.remaining);
    reply.header('x-ratelimit-reset', v.resetS);
    if (!v.allowed)
      throw new HubError(
        ErrorCode.RateLimited,
        `too many requests: at most ${v.limit} a minute, try again in ${v.resetS} seconds`,
        { retryAfterS: v.resetS, limit: v.limit },
      );
  });
}
