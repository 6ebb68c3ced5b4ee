import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { actor } from '../../http/auth.hook.js';
import type { DevicesService } from './devices.service.js';

const Id = Type.Object({ id: Type.String({ maxLength: 64 }) });
const ListQuery = Type.Object({
  filter: Type.Optional(Type.String({ maxLength: 4096 })),
  sort: Type.Optional(Type.String({ maxLength: 32 })),
  order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  cursor: Type.Optional(Type.String({ maxLength: 1024 })),
  count: Type.Optional(Type.Boolean()),
});
const TagKey = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$' });
const TagChange = {
  set: Type.Optional(Type.Record(TagKey, Type.String({ maxLength: 256 }), { maxProperties: 64 })),
  remove: Type.Optional(Type.Array(TagKey, { maxItems: 64 })),
};
const Tags = Type.Object(TagChange, { additionalProperties: false });
const BulkTags = Type.Object({ filter: Type.String({ maxLength: 4096 }), ...TagChange }, { additionalProperties: false });
const Patch = Type.Object(
  { name: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })), location: Type.Optional(Type.Union([Type.String({ maxLength: 256 }), Type.Null()])) },
  { additionalProperties: false, minProperties: 1 },
);
const Revoke = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 512 }) }, { additionalProperties: false });
const Hours = Type.Object({ hours: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 24 * 366 })) });
const Events = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })), before: Type.Optional(Type.Integer({ minimum: 1 })) });

export function registerDeviceRoutes(app: FastifyInstance, devices: DevicesService) {
  const viewer = { role: 'viewer' as const };
  const operator = { role: 'operator' as const };
  app.get<{ Querystring: Static<typeof ListQuery> }>('/api/v1/devices', { config: viewer, schema: { tags: ['devices'], querystring: ListQuery } }, (req) => devices.list(req.query));
  app.get<{ Params: Static<typeof Id> }>('/api/v1/devices/:id', { config: viewer, schema: { tags: ['devices'], params: Id } }, (req) => devices.get(req.params.id));
  app.patch<{ Params: Static<typeof Id>; Body: Static<typeof Patch> }>('/api/v1/devices/:id', { config: operator, schema: { tags: ['devices'], params: Id, body: Patch } }, (req) =>
    devices.update(actor(req), req.params.id, req.body),
  );
  app.post<{ Params: Static<typeof Id>; Body: Static<typeof Tags> }>('/api/v1/devices/:id/tags', { config: operator, schema: { tags: ['devices'], params: Id, body: Tags } }, (req) =>
    devices.tag(actor(req), { deviceId: req.params.id }, req.body.set ?? {}, req.body.remove ?? []),
  );
  app.post<{ Body: Static<typeof BulkTags> }>('/api/v1/devices/tags', { config: operator, schema: { tags: ['devices'], body: BulkTags } }, (req) =>
    devices.tag(actor(req), { filter: req.body.filter }, req.body.set ?? {}, req.body.remove ?? []),
  );
  app.post<{ Params: Static<typeof Id>; Body: Static<typeof Revoke> }>(
    '/api/v1/devices/:id/revoke',
    { config: { role: 'admin' }, schema: { tags: ['devices'], params: Id, body: Revoke } },
    (req) => devices.revoke(actor(req), req.params.id, req.body.reason, false),
  );
  app.post<{ Params: Static<typeof Id>; Body: Static<typeof Revoke> }>(
    '/api/v1/devices/:id/decommission',
    { config: { role: 'admin' }, schema: { tags: ['devices'], params: Id, body: Revoke } },
    (req) => devices.revoke(actor(req), req.params.id, req.body.reason, true),
  );
  app.get<{ Params: Static<typeof Id>; Querystring: Static<typeof Events> }>(
    '/api/v1/devices/:id/events',
    { config: viewer, schema: { tags: ['devices'], params: Id, querystring: Events } },
    async (req) => ({ items: await devices.events(req.params.id, req.query.limit ?? 100, req.query.before) }),
  );
  app.get<{ Params: Static<typeof Id>; Querystring: Static<typeof Hours> }>(
    '/api/v1/devices/:id/availability',
    { config: viewer, schema: { tags: ['devices'], params: Id, querystring: Hours } },
    (req) => devices.availability(req.params.id, req.query.hours ?? 24),
  );
  app.get<{ Params: Static<typeof Id>; Querystring: Static<typeof Hours> }>(
    '/api/v1/devices/:id/health',
    { config: viewer, schema: { tags: ['devices'], params: Id, querystring: Hours } },
    async (req) => ({ items: await devices.health(req.params.id, req.query.hours ?? 24) }),
  );
  app.get<{ Params: Static<typeof Id> }>('/api/v1/devices/:id/certificates', { config: viewer, schema: { tags: ['devices'], params: Id } }, async (req) => ({
    items: await devices.certificates(req.params.id),
  }));
}
