import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { ROLES } from '@outpost/protocol';
import { SESSION_COOKIE } from '../../http/auth.hook.js';
import type { UsersService } from './users.service.js';

const Login = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
    // A TOTP code or a recovery code, for accounts with a second factor.
    otp: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  },
  { additionalProperties: false },
);
const RoleT = Type.Union(ROLES.map((r) => Type.Literal(r)));
const NewUser = Type.Object(
  { username: Type.String({ pattern: '^[a-zA-Z0-9_.@-]{1,64}$' }), password: Type.String({ minLength: 10, maxLength: 256 }), role: RoleT },
  { additionalProperties: false },
);
const PatchUser = Type.Object(
  {
    role: Type.Optional(RoleT),
    disabled: Type.Optional(Type.Boolean()),
    password: Type.Optional(Type.String({ minLength: 10, maxLength: 256 })),
    // Confine the user to these groups (and their subgroups); [] lifts the confinement.
    groups: Type.Optional(Type.Array(Type.String({ maxLength: 520 }), { maxItems: 64 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
const NewToken = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 64 }), role: RoleT, expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })) },
  { additionalProperties: false },
);
const IdParam = Type.Object({ id: Type.String({ maxLength: 64 }) });

export function registerAuthRoutes(app: FastifyInstance, users: UsersService, secureCookie: boolean) {
  app.post<{ Body: Static<typeof Login> }>('/api/v1/auth/login', { config: { role: 'public' }, schema: { tags: ['auth'], body: Login } }, async (req, reply) => {
    const r = await users.login(req.body.username, req.body.password, req.ip, req.body.otp);
    reply.setCookie(SESSION_COOKIE, r.sessionToken, {
      httpOnly: true,
      sameSite: 'strict',
      secure: secureCookie,
      path: '/',
      expires: new Date(r.expiresAt),
    });
    return { user: r.user, expiresAt: r.expiresAt };
  });
  app.post('/api/v1/auth/logout', { config: { role: 'viewer', mfaSetup: true }, schema: { tags: ['auth'] } }, async (req, reply) => {
    const cookie = req.cookies[SESSION_COOKIE];
    if (cookie) await users.logout(cookie);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });
  app.get('/api/v1/auth/me', { config: { role: 'viewer', mfaSetup: true }, schema: { tags: ['auth'] } }, async (req) => {
    const p = req.principal!;
    return { id: p.userId, username: p.username, role: p.role, via: p.kind, mfa: { enrolled: p.mfaEnrolled ?? false, verifiedAt: p.mfaAt ?? null, mustEnroll: p.mfaPending ?? false } };
  });

  app.get('/api/v1/users', { config: { role: 'admin' }, schema: { tags: ['users'] } }, async () => ({ items: await users.listUsers() }));
  app.post<{ Body: Static<typeof NewUser> }>('/api/v1/users', { config: { role: 'admin' }, schema: { tags: ['users'], body: NewUser } }, async (req, reply) => {
    reply.status(201);
    return users.createUser(req.principal!, req.body);
  });
  app.patch<{ Params: Static<typeof IdParam>; Body: Static<typeof PatchUser> }>(
    '/api/v1/users/:id',
    { config: { role: 'admin' }, schema: { tags: ['users'], params: IdParam, body: PatchUser } },
    async (req) => users.updateUser(req.principal!, req.params.id, req.body),
  );

  app.get('/api/v1/tokens', { config: { role: 'viewer' }, schema: { tags: ['tokens'] } }, async (req) => ({ items: await users.listApiTokens(req.principal!) }));
  app.post<{ Body: Static<typeof NewToken> }>('/api/v1/tokens', { config: { role: 'operator' }, schema: { tags: ['tokens'], body: NewToken } }, async (req, reply) => {
    reply.status(201);
    return users.createApiToken(req.principal!, req.body);
  });
  app.delete<{ Params: Static<typeof IdParam> }>('/api/v1/tokens/:id', { config: { role: 'operator' }, schema: { tags: ['tokens'], params: IdParam } }, async (req, reply) => {
    await users.revokeApiToken(req.principal!, req.params.id);
    return reply.status(204).send();
  });
}
