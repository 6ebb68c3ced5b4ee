import type { TLSSocket } from 'node:tls';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { ErrorCode } from '@outpost/protocol';
import { HubError } from '../platform/errors.js';

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
// Callers remembered at once (least recently seen go first): memory stays bounded under a flood of addresses.
const TRACKED_CALLERS = 20_000;

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
 * so a token is counted as itself, not as the address it comes from. Over the limit: 429
 * `rate_limited` with Retry-After.
 */
export async function installRateLimit(app: FastifyInstance, o: { perMinute: number }): Promise<void> {
  const costly = Math.max(1, Math.floor(o.perMinute / COSTLY_SHARE));
  await app.register(rateLimit, {
    global: true,
    hook: 'onRequest',
    timeWindow: 60_000,
    cache: TRACKED_CALLERS,
    keyGenerator: (req) => (COSTLY_ROUTES.has(routeOf(req)) ? `${rateKey(req)}|${routeOf(req)}` : rateKey(req)),
    max: (req) => (COSTLY_ROUTES.has(routeOf(req)) ? costly : o.perMinute),
    // /healthz answers load balancers many times a minute; it does nothing worth limiting.
    allowList: (req) => req.routeOptions.url === '/healthz',
    errorResponseBuilder: (_req, ctx) =>
      new HubError(ErrorCode.RateLimited, `too many requests: at most ${ctx.max} a minute, try again in ${ctx.after}`, {
        retryAfterS: Math.max(1, Math.ceil(ctx.ttl / 1000)),
        limit: ctx.max,
      }),
  });
}
