import type { FastifyInstance, FastifyReply } from 'fastify';
import { SSO_ROUTES as R } from '@outpost/protocol';
import { HubError } from '../../../platform/errors.js';
import { serve } from '../../../http/route-table.js';
import { setSessionCookie } from '../auth.routes.js';
import { SsoRefused } from './sso-refused.js';
import { loopback, type SsoService } from './sso.service.js';

// Binds a sign-in to the browser that started it. Lax: it must come back on the provider's
// top-level redirect to the callback, which is a cross-site navigation.
const BINDING_COOKIE = 'outpost_sso';
const BINDING_PATH = '/api/v1/auth/oidc/';

export function registerSsoRoutes(app: FastifyInstance, sso: SsoService, secureCookie: boolean) {
  // A refused sign-in goes back where it came from with its stable code: the console shows it, the CLI prints it.
  function refused(reply: FastifyReply, err: unknown) {
    if (!(err instanceof HubError)) throw err;
    const cli = err instanceof SsoRefused ? err.cliPort : null;
    return reply.redirect(
      cli ? loopback(cli, { error: err.code }) : `/?sso_error=${encodeURIComponent(err.code)}`,
      302,
    );
  }

  serve(app, R.providers, async () => ({ items: sso.providers() }));

  serve(app, R.start, async (req, reply) => {
    try {
      const cli = { port: req.query.cli_port, challenge: req.query.cli_challenge };
      const { location, binding } = await sso.start(req.params.provider, cli, req.ip);
      reply.setCookie(BINDING_COOKIE, binding, {
        httpOnly: true,
        sameSite: 'lax',
        secure: secureCookie,
        path: BINDING_PATH,
        maxAge: 600,
      });
      return reply.redirect(location, 302);
    } catch (err) {
      return refused(reply, err);
    }
  });

  serve(app, R.callback, async (req, reply) => {
    const binding = req.cookies[BINDING_COOKIE];
    reply.clearCookie(BINDING_COOKIE, { path: BINDING_PATH });
    try {
      const r = await sso.callback(req.params.provider, req.query, binding, req.ip);
      if (r.kind === 'cli') return reply.redirect(r.location, 302);
      setSessionCookie(reply, r.session.sessionToken, r.session.expiresAt, secureCookie);
      return reply.redirect('/', 302);
    } catch (err) {
      return refused(reply, err);
    }
  });

  serve(app, R.exchange, async (req) => sso.exchange(req.body.code, req.body.verifier, req.ip));

  // Back from the provider's end-session page: to the sign-in page, saying so, once the state checks out.
  serve(app, R.signedOut, async (req, reply) => {
    try {
      await sso.signedOut(req.params.provider, req.query.state, req.ip);
      return reply.redirect(`/?signed_out=${encodeURIComponent(req.params.provider)}`, 302);
    } catch (err) {
      return refused(reply, err);
    }
  });

  serve(app, R.deviceStart, async (req) => sso.startDevice(req.params.provider, req.body.challenge, req.ip));
  serve(app, R.devicePoll, async (req) => sso.pollDevice(req.body.handle, req.body.verifier, req.ip));
}
