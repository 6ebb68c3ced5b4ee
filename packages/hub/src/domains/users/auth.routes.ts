import type { FastifyInstance, FastifyReply } from 'fastify';
import { USERS_ROUTES as R } from '@outpost/protocol';
import { SESSION_COOKIE } from '../../http/auth.hook.js';
import { serve } from '../../http/route-table.js';
import type { UsersService } from './users.service.js';
import { actorOf } from './principal.js';
import type { SsoService } from './sso/sso.service.js';

export function setSessionCookie(reply: FastifyReply, token: string, expiresAt: string, secure: boolean) {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: '/',
    expires: new Date(expiresAt),
  });
}

export function registerAuthRoutes(
  app: FastifyInstance,
  users: UsersService,
  secureCookie: boolean,
  signOut: SsoService['signOut'],
) {
  serve(app, R.login, async (req, reply) => {
    const r = await users.login(req.body.username, req.body.password, req.ip, req.body.otp);
    setSessionCookie(reply, r.sessionToken, r.expiresAt, secureCookie);
    return { user: r.user, expiresAt: r.expiresAt };
  });
  serve(app, R.logout, async (req, reply) => {
    const cookie = req.cookies[SESSION_COOKIE];
    // A session that came from a provider is ended there too: the console goes to `endSessionUrl`.
    const endSessionUrl = await signOut(cookie, actorOf(req.principal!));
    if (cookie) await users.logout(cookie);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return endSessionUrl ? { ok: true, endSessionUrl } : { ok: true };
  });
  serve(app, R.changePassword, async (req) => {
    await users.changeOwnPassword(req.principal!, req.body.currentPassword, req.body.newPassword);
    return { ok: true };
  });
  serve(app, R.me, async (req) => {
    const p = req.principal!;
    const mfa = { enrolled: p.mfaEnrolled ?? false, verifiedAt: p.mfaAt ?? null, mustEnroll: p.mfaPending ?? false };
    return { id: p.userId, username: p.username, role: p.role, via: p.kind, mfa };
  });

  serve(app, R.listUsers, async () => ({ items: await users.listUsers() }));
  serve(app, R.createUser, async (req, reply) => {
    reply.status(201);
    return users.createUser(req.principal!, req.body);
  });
  serve(app, R.updateUser, async (req) => users.updateUser(req.principal!, req.params.id, req.body));

  serve(app, R.listTokens, async (req) => ({ items: await users.listApiTokens(req.principal!) }));
  serve(app, R.createToken, async (req, reply) => {
    reply.status(201);
    return users.createApiToken(req.principal!, req.body);
  });
  serve(app, R.revokeToken, async (req, reply) => {
    await users.revokeApiToken(req.principal!, req.params.id);
    return reply.status(204).send();
  });
}
