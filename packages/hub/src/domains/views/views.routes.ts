import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { Unauthenticated } from '../../platform/errors.js';
import { SORT_FIELDS } from '../devices/index.js';
import type { ViewsService } from './views.service.js';

const Id = Type.Object({ id: Type.String({ maxLength: 64 }) });
const fields = {
  filter: Type.Optional(Type.String({ maxLength: 4096 })),
  sort: Type.Optional(Type.Union(SORT_FIELDS.map((s) => Type.Literal(s)))),
  order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
  columns: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 32 })),
  shared: Type.Optional(Type.Boolean()),
};
const NewView = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }), ...fields }, { additionalProperties: false });
const PatchView = Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })), ...fields }, { additionalProperties: false, minProperties: 1 });

function principal(req: FastifyRequest) {
  if (!req.principal) throw new Unauthenticated();
  return req.principal;
}

/** Saved device views: every signed-in user keeps their own, so every route is open to viewers. */
export function registerViewRoutes(app: FastifyInstance, views: ViewsService) {
  const config = { role: 'viewer' as const };
  const tags = ['views'];
  app.get('/api/v1/views', { config, schema: { tags } }, (req) => views.list(principal(req)));
  app.get<{ Params: Static<typeof Id> }>('/api/v1/views/:id', { config, schema: { tags, params: Id } }, (req) => views.get(principal(req), req.params.id));
  app.post<{ Body: Static<typeof NewView> }>('/api/v1/views', { config, schema: { tags, body: NewView } }, async (req, reply) => {
    reply.status(201);
    return views.create(principal(req), req.body);
  });
  app.patch<{ Params: Static<typeof Id>; Body: Static<typeof PatchView> }>('/api/v1/views/:id', { config, schema: { tags, params: Id, body: PatchView } }, (req) =>
    views.update(principal(req), req.params.id, req.body),
  );
  app.delete<{ Params: Static<typeof Id> }>('/api/v1/views/:id', { config, schema: { tags, params: Id } }, async (req, reply) => {
    await views.remove(principal(req), req.params.id);
    return reply.status(204).send();
  });
}
