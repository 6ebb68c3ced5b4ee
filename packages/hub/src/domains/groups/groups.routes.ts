import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { actor } from '../../http/auth.hook.js';
import type { GroupsService } from './groups.service.js';

// Paths contain "/", so they travel URL-encoded in one segment.
const PathParam = Type.Object({ path: Type.String({ minLength: 1, maxLength: 600 }) });
const NewGroup = Type.Object(
  {
    path: Type.String({ minLength: 1, maxLength: 600 }),
    kind: Type.Union([Type.Literal('static'), Type.Literal('dynamic')]),
    filter: Type.Optional(Type.String({ maxLength: 4096 })),
    description: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  { additionalProperties: false },
);
const PatchGroup = Type.Object(
  { filter: Type.Optional(Type.String({ maxLength: 4096 })), description: Type.Optional(Type.String({ maxLength: 1024 })) },
  { additionalProperties: false, minProperties: 1 },
);
const Members = Type.Object(
  { deviceIds: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 10_000 })), filter: Type.Optional(Type.String({ maxLength: 4096 })) },
  { additionalProperties: false, minProperties: 1 },
);

export function registerGroupRoutes(app: FastifyInstance, groups: GroupsService) {
  const operator = { role: 'operator' as const };
  app.get('/api/v1/groups', { config: { role: 'viewer' }, schema: { tags: ['groups'] } }, async () => ({ items: await groups.list() }));
  app.get<{ Params: Static<typeof PathParam> }>('/api/v1/groups/:path', { config: { role: 'viewer' }, schema: { tags: ['groups'], params: PathParam } }, (req) =>
    groups.get(req.params.path),
  );
  app.post<{ Body: Static<typeof NewGroup> }>('/api/v1/groups', { config: operator, schema: { tags: ['groups'], body: NewGroup } }, async (req, reply) => {
    reply.status(201);
    return groups.create(actor(req), req.body);
  });
  app.patch<{ Params: Static<typeof PathParam>; Body: Static<typeof PatchGroup> }>(
    '/api/v1/groups/:path',
    { config: operator, schema: { tags: ['groups'], params: PathParam, body: PatchGroup } },
    (req) => groups.update(actor(req), req.params.path, req.body),
  );
  app.delete<{ Params: Static<typeof PathParam> }>('/api/v1/groups/:path', { config: operator, schema: { tags: ['groups'], params: PathParam } }, async (req, reply) => {
    await groups.remove(actor(req), req.params.path);
    return reply.status(204).send();
  });
  for (const op of ['add', 'remove'] as const) {
    app.post<{ Params: Static<typeof PathParam>; Body: Static<typeof Members> }>(
      `/api/v1/groups/:path/members/${op}`,
      { config: operator, schema: { tags: ['groups'], params: PathParam, body: Members } },
      (req) => groups.changeMembers(actor(req), req.params.path, op, req.body),
    );
  }
}
