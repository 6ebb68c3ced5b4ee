import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { actor } from '../../http/auth.hook.js';
import type { NotificationsService } from './notifications.service.js';

const Id = Type.Object({ id: Type.String({ maxLength: 64 }) });
const Digest = Type.Object({ waitS: Type.Optional(Type.Number()), intervalS: Type.Optional(Type.Number()) }, { additionalProperties: false });
const Retry = Type.Object({ baseMs: Type.Optional(Type.Number()), capMs: Type.Optional(Type.Number()), maxAttempts: Type.Optional(Type.Number()) }, { additionalProperties: false });
const Fields = {
  name: Type.String({ minLength: 1, maxLength: 128 }),
  config: Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { maxProperties: 16 }),
  secret: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  digest: Type.Optional(Digest),
  retry: Type.Optional(Retry),
  enabled: Type.Optional(Type.Boolean()),
};
const NewChannel = Type.Object({ ...Fields, kind: Type.Union([Type.Literal('webhook'), Type.Literal('email'), Type.Literal('mqtt')]) }, { additionalProperties: false });
const PatchChannel = Type.Object(
  { ...Fields, name: Type.Optional(Fields.name), config: Type.Optional(Fields.config), rotateSecret: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);
const Messages = Type.Object({
  channel: Type.Optional(Type.String({ maxLength: 64 })),
  state: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('dead')])),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});

// Bodies can be large (reports); lists show the envelope only.
const envelope = <T extends { body?: unknown }>(m: T) => {
  const { body: _b, ...rest } = m;
  return rest;
};

export function registerNotificationRoutes(app: FastifyInstance, n: NotificationsService) {
  const viewer = { role: 'viewer' as const };
  // Channels send fleet data off the hub: only admins point them somewhere.
  const admin = { role: 'admin' as const };
  const tags = ['notifications'];
  app.get('/api/v1/notification-channels', { config: viewer, schema: { tags } }, async () => ({ items: await n.listChannels() }));
  app.post<{ Body: Static<typeof NewChannel> }>('/api/v1/notification-channels', { config: admin, schema: { tags, body: NewChannel } }, async (req, reply) => {
    reply.status(201);
    return n.createChannel(actor(req), req.body);
  });
  app.get<{ Params: Static<typeof Id> }>('/api/v1/notification-channels/:id', { config: viewer, schema: { tags, params: Id } }, (req) => n.getChannel(req.params.id));
  app.patch<{ Params: Static<typeof Id>; Body: Static<typeof PatchChannel> }>('/api/v1/notification-channels/:id', { config: admin, schema: { tags, params: Id, body: PatchChannel } }, (req) =>
    n.updateChannel(actor(req), req.params.id, req.body),
  );
  app.delete<{ Params: Static<typeof Id> }>('/api/v1/notification-channels/:id', { config: admin, schema: { tags, params: Id } }, async (req, reply) => {
    await n.deleteChannel(actor(req), req.params.id);
    return reply.status(204).send();
  });
  app.post<{ Params: Static<typeof Id> }>('/api/v1/notification-channels/:id/test', { config: { role: 'operator' }, schema: { tags, params: Id } }, async (req, reply) => {
    reply.status(202);
    return n.test(actor(req), req.params.id);
  });
  app.get<{ Querystring: Static<typeof Messages> }>('/api/v1/notifications', { config: viewer, schema: { tags, querystring: Messages } }, async (req) => ({
    items: (await n.messages({ channelId: req.query.channel, state: req.query.state, limit: req.query.limit })).map(envelope),
  }));
  app.get('/api/v1/notifications/dead-letters', { config: viewer, schema: { tags } }, async () => ({ items: (await n.deadLetters()).map(envelope) }));
  app.get<{ Params: Static<typeof Id> }>('/api/v1/notifications/:id', { config: viewer, schema: { tags, params: Id } }, (req) => n.message(req.params.id));
  app.post<{ Params: Static<typeof Id> }>('/api/v1/notifications/:id/retry', { config: { role: 'operator' }, schema: { tags, params: Id } }, async (req) => envelope((await n.retry(actor(req), req.params.id))!));
}
