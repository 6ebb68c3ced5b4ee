import { timingSafeEqual, X509Certificate } from 'node:crypto';
import type { Server as TlsServer, TLSSocket } from 'node:tls';
import Fastify, { LogController, type FastifyInstance, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import { ErrorCode } from '@outpost/protocol';
import type { Logger } from '../platform/logger.js';
import { newId } from '../platform/ids.js';
import { HubError } from '../platform/errors.js';
import { mapError } from './error-mapper.js';
import { installValidation } from './validation.js';
import { installSecurityHeaders } from './security-headers.js';
import type { HubMetrics } from '../platform/metrics.js';
import { certificatesOf, isExpiredOfOurs } from '../domains/enrollment/index.js';

// Every API body is small; artifacts (later) stream through their own route with its own limit.
export const BODY_LIMIT = 256 * 1024;

type HttpsIdentity = { certPem: string; keyPem: string; clientCaPem?: string };

function httpsOptions(tls: HttpsIdentity) {
  // Devices present their certificate on the relay route; everyone else presents none and is
  // authenticated per route as before. `rejectUnauthorized: false` keeps the certificate optional.
  const clientCerts = tls.clientCaPem ? { ca: tls.clientCaPem, requestCert: true, rejectUnauthorized: false } : {};
  return {
    key: tls.keyPem,
    cert: tls.certPem,
    minVersion: 'TLSv1.2' as const,
    // A client that opens a connection and never finishes its handshake is dropped (Node's default is 120 s).
    handshakeTimeout: 10_000,
    ...clientCerts,
  };
}

// The CA client certificates must chain to, per server (it follows setHttpsIdentity).
const clientCas = new WeakMap<FastifyInstance, X509Certificate[]>();

/** Serves a renewed server certificate to new HTTPS connections; open ones keep theirs. */
export function setHttpsIdentity(app: FastifyInstance, tls: HttpsIdentity): void {
  (app.server as unknown as TlsServer).setSecureContext(httpsOptions(tls));
  if (tls.clientCaPem) clientCas.set(app, certificatesOf(tls.clientCaPem));
}

/**
 * A client certificate is optional, but one that is presented must chain to the hub CA: anything
 * else is cut at TLS, before any route sees the connection. An expired certificate the CA signed
 * goes on, so the device routes can refuse it by name (`certificate_expired`).
 */
function refuseUntrustedClientCertificates(app: FastifyInstance, metrics: HubMetrics) {
  app.server.on('secureConnection', (sock: TLSSocket) => {
    const ca = clientCas.get(app);
    if (!ca || sock.authorized || !sock.getPeerCertificate()?.raw) return;
    if (isExpiredOfOurs(sock, ca, Date.now())) return;
    metrics.refusedConnections.inc({ reason: 'https_certificate_not_trusted' });
    sock.destroy();
  });
}

export async function createHttpServer(opts: {
  logger: Logger;
  /** `clientCaPem`: ask clients for a certificate from this CA without requiring one (the relay's device leg). */
  tls: { certPem: string; keyPem: string; clientCaPem?: string } | null;
  metrics: HubMetrics;
}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: opts.logger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    genReqId: () => newId('req', 8),
    ...(opts.tls ? { https: httpsOptions(opts.tls) } : {}),
  }) as unknown as FastifyInstance;
  if (opts.tls?.clientCaPem) {
    clientCas.set(app, certificatesOf(opts.tls.clientCaPem));
    refuseUntrustedClientCertificates(app, opts.metrics);
  }
  installValidation(app);
  installSecurityHeaders(app, { tls: opts.tls !== null });
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Outpost hub API',
        version: '1',
        description: 'Fleet management, enrollment and audit for remote industrial devices.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'API token (opt_…)' },
          session: { type: 'apiKey', in: 'cookie', name: 'outpost_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
  });
  app.setErrorHandler(mapError);
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send({
      code: ErrorCode.NotFound,
      message: `no route ${req.method} ${req.url.split('?')[0]}`,
      requestId: req.id,
    }),
  );
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    opts.metrics.httpRequests.observe(
      { method: req.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    // req.log already carries reqId. Probes (health checks, scrapers) would drown the log at info.
    const line = { method: req.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    if (QUIET_ROUTES.has(route) && reply.statusCode < 400) req.log.debug(line, 'request');
    else req.log.info(line, 'request');
  });
  return app;
}

const QUIET_ROUTES = new Set(['/healthz', '/metrics']);
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * `/metrics` tells whoever reads it how many devices the hub has and how it is doing: with a
 * metrics token it answers only `Authorization: Bearer <token>`; without one, only callers on the
 * hub's own host (a local agent, a tunnel).
 */
function mayScrape(req: FastifyRequest, token: string | undefined): void {
  if (!token) {
    if (LOOPBACK.has(req.socket.remoteAddress ?? '')) return;
    throw new HubError(
      ErrorCode.Forbidden,
      '/metrics answers this host only; set OUTPOST_METRICS_TOKEN to scrape it from elsewhere',
      { reason: 'metrics_loopback_only' },
    );
  }
  const auth = req.headers.authorization ?? '';
  const given = Buffer.from(auth.startsWith('Bearer ') ? auth.slice(7).trim() : '');
  const want = Buffer.from(token);
  if (given.length !== want.length || !timingSafeEqual(given, want))
    throw new HubError(ErrorCode.Unauthenticated, '/metrics needs its bearer token (OUTPOST_METRICS_TOKEN)', {
      reason: 'metrics_token_required',
    });
}

export function registerPlatformRoutes(app: FastifyInstance, metrics: HubMetrics, o: { metricsToken?: string } = {}) {
  app.get('/healthz', { config: { role: 'public' }, schema: { hide: true } }, async () => ({ ok: true }));
  app.get('/metrics', { config: { role: 'public' }, schema: { hide: true } }, async (req, reply) => {
    mayScrape(req, o.metricsToken);
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  app.get('/api/v1/openapi.json', { config: { role: 'public' }, schema: { hide: true } }, async () => app.swagger());
}
