import { createReadStream } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { ACCESS_STATES, type AccessState } from '@outpost/protocol';
import { actor } from '../../http/auth.hook.js';
import { ValidationError } from '../../platform/errors.js';
import type { AccessService } from './access.service.js';
import type { AccessPoliciesService } from './access-policies.service.js';

const Id = Type.Object({ id: Type.String({ maxLength: 64 }) });
const Otp = Type.Optional(Type.String({ minLength: 6, maxLength: 32 }));
const NewSession = Type.Object(
  {
    deviceId: Type.String({ minLength: 1, maxLength: 64 }),
    target: Type.String({ minLength: 1, maxLength: 300 }),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
    durationS: Type.Integer({ minimum: 1, maximum: 7 * 86_400 }),
    otp: Otp,
  },
  { additionalProperties: false },
);
const Decision = Type.Object({ note: Type.Optional(Type.String({ maxLength: 500 })), otp: Otp }, { additionalProperties: false });
const OpenBody = Type.Object({ otp: Otp }, { additionalProperties: false });
const Kill = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false });
const ListQuery = Type.Object({
  deviceId: Type.Optional(Type.String({ maxLength: 64 })),
  state: Type.Optional(Type.String({ maxLength: 200 })),
  mine: Type.Optional(Type.Boolean()),
  live: Type.Optional(Type.Boolean()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  before: Type.Optional(Type.String({ maxLength: 40 })),
});
const RoleList = Type.Array(Type.Union([Type.Literal('operator'), Type.Literal('admin')]), { minItems: 1, maxItems: 2 });
const PolicyFields = {
  targets: Type.Array(Type.String({ minLength: 1, maxLength: 300 }), { minItems: 1, maxItems: 64 }),
  roles: Type.Optional(RoleList),
  maxDurationS: Type.Optional(Type.Integer({ minimum: 1, maximum: 7 * 86_400 })),
  requireReason: Type.Optional(Type.Boolean()),
  requireApproval: Type.Optional(Type.Boolean()),
  mfaMaxAgeS: Type.Optional(Type.Union([Type.Integer({ minimum: 10, maximum: 86_400 }), Type.Null()])),
  maxConcurrent: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  captureTcp: Type.Optional(Type.Boolean()),
};
const NewPolicy = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    deviceId: Type.Optional(Type.String({ maxLength: 64 })),
    group: Type.Optional(Type.String({ maxLength: 520 })),
    ...PolicyFields,
  },
  { additionalProperties: false },
);
const PolicyPatch = Type.Object({ ...PolicyFields, targets: Type.Optional(PolicyFields.targets) }, { additionalProperties: false, minProperties: 1 });
const Settings = Type.Object({ recordingRetentionDays: Type.Integer({ minimum: 1, maximum: 3650 }) }, { additionalProperties: false });

function states(q: { state?: string; live?: boolean }): AccessState[] | undefined {
  if (q.live) return ['requested', 'approved', 'active'];
  if (!q.state) return undefined;
  const list = q.state.split(',').map((s) => s.trim());
  for (const s of list) if (!(ACCESS_STATES as readonly string[]).includes(s)) throw new ValidationError(`state must be among ${ACCESS_STATES.join(', ')}`, { path: '/state' });
  return list as AccessState[];
}

export function registerAccessRoutes(app: FastifyInstance, access: AccessService, policies: AccessPoliciesService) {
  const tags = ['access'];
  const viewer = { role: 'viewer' as const };
  const operator = { role: 'operator' as const };
  const admin = { role: 'admin' as const };

  app.get('/api/v1/access/policies', { config: viewer, schema: { tags } }, async () => ({ items: await policies.list() }));
  app.post<{ Body: Static<typeof NewPolicy> }>('/api/v1/access/policies', { config: admin, schema: { tags, body: NewPolicy } }, async (req, reply) => {
    reply.status(201);
    return policies.create(actor(req), req.body);
  });
  app.patch<{ Params: Static<typeof Id>; Body: Static<typeof PolicyPatch> }>('/api/v1/access/policies/:id', { config: admin, schema: { tags, params: Id, body: PolicyPatch } }, (req) =>
    policies.update(actor(req), req.params.id, req.body),
  );
  app.delete<{ Params: Static<typeof Id> }>('/api/v1/access/policies/:id', { config: admin, schema: { tags, params: Id } }, async (req, reply) => {
    await policies.remove(actor(req), req.params.id);
    return reply.status(204).send();
  });

  app.get<{ Querystring: Static<typeof ListQuery> }>('/api/v1/access/sessions', { config: viewer, schema: { tags, querystring: ListQuery } }, async (req) => ({
    items: await access.list(req.principal!, { deviceId: req.query.deviceId, states: states(req.query), mine: req.query.mine, limit: req.query.limit, before: req.query.before }),
  }));
  app.post<{ Body: Static<typeof NewSession> }>('/api/v1/access/sessions', { config: operator, schema: { tags, body: NewSession } }, async (req, reply) => {
    const r = await access.request(req.principal!, req.body);
    return reply.status(201).send(r);
  });
  app.get<{ Params: Static<typeof Id> }>('/api/v1/access/sessions/:id', { config: viewer, schema: { tags, params: Id } }, (req) => access.get(req.principal!, req.params.id));
  app.post<{ Params: Static<typeof Id>; Body: Static<typeof Decision> }>('/api/v1/access/sessions/:id/approve', { config: operator, schema: { tags, params: Id, body: Decision } }, (req) =>
    access.approve(req.principal!, req.params.id, req.body.note, req.body.otp),
  );
  app.post<{ Params: Static<typeof Id>; Body: Static<typeof Decision> }>('/api/v1/access/sessions/:id/deny', { config: operator, schema: { tags, params: Id, body: Decision } }, (req) =>
    access.deny(req.principal!, req.params.id, req.body.note),
  );
  app.post<{ Params: Static<typeof Id>; Body: Static<typeof OpenBody> }>('/api/v1/access/sessions/:id/open', { config: operator, schema: { tags, params: Id, body: OpenBody } }, (req) =>
    access.open(req.principal!, req.params.id, req.body.otp),
  );
  app.post<{ Params: Static<typeof Id> }>('/api/v1/access/sessions/:id/cancel', { config: operator, schema: { tags, params: Id } }, (req) => access.cancel(req.principal!, req.params.id));
  // The kill switch.
  app.post<{ Params: Static<typeof Id>; Body: Static<typeof Kill> }>('/api/v1/access/sessions/:id/terminate', { config: admin, schema: { tags, params: Id, body: Kill } }, (req) =>
    access.terminate(req.principal!, req.params.id, req.body.reason),
  );
  app.get<{ Params: Static<typeof Id> }>('/api/v1/access/sessions/:id/recording', { config: operator, schema: { tags, params: Id } }, async (req, reply) => {
    const r = await access.recording(req.principal!, req.params.id);
    reply.header('x-outpost-sha256', r.sha256);
    reply.type(r.kind === 'asciicast' ? 'application/x-asciicast' : 'application/vnd.tcpdump.pcap');
    return reply.send(createReadStream(r.path));
  });
  app.get('/api/v1/access/settings', { config: admin, schema: { tags } }, () => access.settings());
  app.put<{ Body: Static<typeof Settings> }>('/api/v1/access/settings', { config: admin, schema: { tags, body: Settings } }, (req) => access.putSettings(req.principal!, req.body));
}
