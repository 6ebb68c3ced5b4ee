import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { GuardPolicyInput, GuardTable } from '@outpost/protocol';
import { actor } from '../../http/auth.hook.js';
import { Unauthenticated } from '../../platform/errors.js';
import type { GuardService } from './guard.service.js';

const DeviceId = Type.Object({ id: Type.String({ maxLength: 64 }) });
const GroupPath = Type.Object({ path: Type.String({ maxLength: 256 }) });
const GrantId = Type.Object({ id: Type.String({ maxLength: 64 }) });
const Word = Type.Integer({ minimum: 0, maximum: 0xffff });
const GrantBody = Type.Object(
  {
    unit: Word,
    table: GuardTable,
    start: Word,
    end: Word,
    durationS: Type.Integer({ minimum: 1, maximum: 86_400 }),
    reason: Type.String({ minLength: 1, maxLength: 512 }),
    /** A TOTP code, for callers that must step up and have not done so in this session. */
    otp: Type.Optional(Type.String({ minLength: 6, maxLength: 32 })),
  },
  { additionalProperties: false },
);
const Revoke = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 512 }) }, { additionalProperties: false });
const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 }));
const HistoryQuery = Type.Object({ limit: Limit });
const PoliciesQuery = Type.Object({ scope: Type.Optional(Type.Union([Type.Literal('device'), Type.Literal('group')])), limit: Limit });
const GrantsQuery = Type.Object({ deviceId: Type.Optional(Type.String({ maxLength: 64 })), active: Type.Optional(Type.Boolean()), limit: Limit });
const EventsQuery = Type.Object({
  deviceId: Type.Optional(Type.String({ maxLength: 64 })),
  type: Type.Optional(Type.String({ maxLength: 64 })),
  since: Type.Optional(Type.String({ maxLength: 40 })),
  until: Type.Optional(Type.String({ maxLength: 40 })),
  limit: Limit,
});

const RotateKey = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 512 }), otp: Type.Optional(Type.String({ minLength: 6, maxLength: 32 })) },
  { additionalProperties: false },
);

function principal(req: FastifyRequest) {
  if (!req.principal) throw new Unauthenticated();
  return req.principal;
}

export function registerGuardRoutes(app: FastifyInstance, guard: GuardService) {
  const viewer = { role: 'viewer' as const };
  const operator = { role: 'operator' as const };
  const tags = ['guard'];

  app.get('/api/v1/guard/key', { config: viewer, schema: { tags } }, () => guard.publicKey());
  // Replacing the grant-signing key: devices follow it through the endorsement chain.
  app.post<{ Body: Static<typeof RotateKey> }>('/api/v1/guard/key/rotate', { config: { role: 'admin' as const }, schema: { tags, body: RotateKey } }, (req) =>
    guard.rotateKey(principal(req), req.body.reason, req.body.otp),
  );

  app.get<{ Querystring: Static<typeof PoliciesQuery> }>('/api/v1/guard/policies', { config: viewer, schema: { tags, querystring: PoliciesQuery } }, async (req) => ({
    items: await guard.policies(req.query),
  }));

  app.get<{ Params: Static<typeof DeviceId> }>('/api/v1/guard/devices/:id', { config: viewer, schema: { tags, params: DeviceId } }, (req) => guard.status(req.params.id));
  app.put<{ Params: Static<typeof DeviceId>; Body: Static<typeof GuardPolicyInput> }>(
    '/api/v1/guard/devices/:id/policy',
    { config: operator, schema: { tags, params: DeviceId, body: GuardPolicyInput } },
    (req) => guard.setPolicy(actor(req), 'device', req.params.id, req.body),
  );
  app.delete<{ Params: Static<typeof DeviceId> }>('/api/v1/guard/devices/:id/policy', { config: operator, schema: { tags, params: DeviceId } }, (req) =>
    guard.setPolicy(actor(req), 'device', req.params.id, null),
  );
  app.get<{ Params: Static<typeof DeviceId>; Querystring: Static<typeof HistoryQuery> }>(
    '/api/v1/guard/devices/:id/policy/history',
    { config: viewer, schema: { tags, params: DeviceId, querystring: HistoryQuery } },
    async (req) => ({ items: await guard.history('device', req.params.id, req.query.limit) }),
  );

  app.get<{ Params: Static<typeof GroupPath>; Querystring: Static<typeof HistoryQuery> }>(
    '/api/v1/guard/groups/:path/policy',
    { config: viewer, schema: { tags, params: GroupPath, querystring: HistoryQuery } },
    async (req) => ({ items: await guard.history('group', req.params.path, req.query.limit) }),
  );
  app.put<{ Params: Static<typeof GroupPath>; Body: Static<typeof GuardPolicyInput> }>(
    '/api/v1/guard/groups/:path/policy',
    { config: operator, schema: { tags, params: GroupPath, body: GuardPolicyInput } },
    (req) => guard.setPolicy(actor(req), 'group', req.params.path, req.body),
  );
  app.delete<{ Params: Static<typeof GroupPath> }>('/api/v1/guard/groups/:path/policy', { config: operator, schema: { tags, params: GroupPath } }, (req) =>
    guard.setPolicy(actor(req), 'group', req.params.path, null),
  );

  app.post<{ Params: Static<typeof DeviceId>; Body: Static<typeof GrantBody> }>(
    '/api/v1/guard/devices/:id/grants',
    { config: operator, schema: { tags, params: DeviceId, body: GrantBody } },
    async (req, reply) => {
      const { otp, ...grant } = req.body;
      return reply.status(201).send(await guard.issueGrant(principal(req), req.params.id, grant, otp));
    },
  );
  app.get<{ Querystring: Static<typeof GrantsQuery> }>('/api/v1/guard/grants', { config: viewer, schema: { tags, querystring: GrantsQuery } }, async (req) => ({
    items: await guard.grants(req.query),
  }));
  app.post<{ Params: Static<typeof GrantId>; Body: Static<typeof Revoke> }>(
    '/api/v1/guard/grants/:id/revoke',
    { config: operator, schema: { tags, params: GrantId, body: Revoke } },
    (req) => guard.revokeGrant(actor(req), req.params.id, req.body.reason),
  );

  app.get<{ Querystring: Static<typeof EventsQuery> }>('/api/v1/guard/events', { config: viewer, schema: { tags, querystring: EventsQuery } }, async (req) => ({
    items: await guard.events({
      deviceId: req.query.deviceId, type: req.query.type, sinceIso: req.query.since, untilIso: req.query.until, limit: req.query.limit ?? 100,
    }),
  }));
}
