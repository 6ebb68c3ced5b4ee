import type { FastifyInstance } from 'fastify';

// Headers every hub response carries unless its route set its own (the console sets a CSP that
// lets its scripts run). API answers are data: nothing in them may run, be framed or be sniffed.
const API_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};

// RFC 6797: browsers keep to HTTPS for a year once they saw the hub over TLS.
const HSTS = 'max-age=31536000';

export function installSecurityHeaders(app: FastifyInstance, opts: { tls: boolean }): void {
  app.addHook('onSend', async (_req, reply, payload) => {
    for (const [name, value] of Object.entries(API_HEADERS)) if (!reply.hasHeader(name)) reply.header(name, value);
    if (opts.tls) reply.header('strict-transport-security', HSTS);
    return payload;
  });
}
