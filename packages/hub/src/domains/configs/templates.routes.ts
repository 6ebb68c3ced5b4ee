import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { actor } from '../../http/auth.hook.js';
import type { TemplatesService } from './templates.service.js';

const Name = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }) });
const NameVersion = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }), version: Type.Integer({ minimum: 1 }) });
const Model = Type.Object({ model: Type.String({ minLength: 1, maxLength: 128 }) });
const Target = Type.Union([
  Type.Object({ group: Type.String({ minLength: 1, maxLength: 600 }) }, { additionalProperties: false }),
  Type.Object({ filter: Type.String({ minLength: 1, maxLength: 4096 }) }, { additionalProperties: false }),
]);
const File = Type.Object(
  {
    path: Type.String({ minLength: 2, maxLength: 256 }),
    mode: Type.Optional(Type.Integer({ minimum: 0, maximum: 0o7777 })),
    content: Type.Optional(Type.String({ maxLength: 90_000 })),
    sha256: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
  },
  { additionalProperties: false },
);
// Values are checked deeply by the service, which names the path of a bad one.
const TemplateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    description: Type.Optional(Type.String({ maxLength: 1024 })),
    priority: Type.Integer({ minimum: 0, maximum: 10_000 }),
    policy: Type.Union([Type.Literal('report'), Type.Literal('enforce')]),
    target: Target,
    model: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 128 }), Type.Null()])),
    settings: Type.Record(Type.String({ maxLength: 520 }), Type.Unknown(), { maxProperties: 1000 }),
    files: Type.Optional(Type.Array(File, { maxItems: 16 })),
    comment: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);
const Restore = Type.Object({ version: Type.Integer({ minimum: 1 }), comment: Type.Optional(Type.String({ maxLength: 512 })) }, { additionalProperties: false });
const SchemaBody = Type.Object({ schema: Type.Record(Type.String(), Type.Unknown()) }, { additionalProperties: false });

type Body = Static<typeof TemplateBody>;

export function registerTemplateRoutes(app: FastifyInstance, templates: TemplatesService) {
  const operator = { role: 'operator' as const };
  const viewer = { role: 'viewer' as const };
  const tags = ['configs'];
  app.get('/api/v1/config/templates', { config: viewer, schema: { tags } }, () => templates.list());
  app.post<{ Body: Body }>('/api/v1/config/templates', { config: operator, schema: { tags, body: TemplateBody } }, async (req, reply) => {
    reply.status(201);
    return templates.create(actor(req), req.body as Parameters<TemplatesService['create']>[1]);
  });
  app.get<{ Params: Static<typeof Name> }>('/api/v1/config/templates/:name', { config: viewer, schema: { tags, params: Name } }, (req) => templates.get(req.params.name));
  app.put<{ Params: Static<typeof Name>; Body: Body }>('/api/v1/config/templates/:name', { config: operator, schema: { tags, params: Name, body: TemplateBody } }, (req) =>
    templates.update(actor(req), req.params.name, req.body as Parameters<TemplatesService['update']>[2]),
  );
  app.delete<{ Params: Static<typeof Name> }>('/api/v1/config/templates/:name', { config: operator, schema: { tags, params: Name } }, async (req, reply) => {
    await templates.remove(actor(req), req.params.name);
    return reply.status(204).send();
  });
  app.get<{ Params: Static<typeof Name> }>('/api/v1/config/templates/:name/versions', { config: viewer, schema: { tags, params: Name } }, (req) => templates.versions(req.params.name));
  app.get<{ Params: Static<typeof NameVersion> }>('/api/v1/config/templates/:name/versions/:version', { config: viewer, schema: { tags, params: NameVersion } }, (req) =>
    templates.version(req.params.name, req.params.version),
  );
  app.post<{ Params: Static<typeof Name>; Body: Static<typeof Restore> }>(
    '/api/v1/config/templates/:name/restore',
    { config: operator, schema: { tags, params: Name, body: Restore } },
    (req) => templates.restore(actor(req), req.params.name, req.body.version, req.body.comment),
  );
  app.get('/api/v1/config/models', { config: viewer, schema: { tags } }, () => templates.models());
  app.get<{ Params: Static<typeof Model> }>('/api/v1/config/models/:model/schema', { config: viewer, schema: { tags, params: Model } }, (req) => templates.modelSchema(req.params.model));
  app.put<{ Params: Static<typeof Model>; Body: Static<typeof SchemaBody> }>(
    '/api/v1/config/models/:model/schema',
    { config: { role: 'admin' }, schema: { tags, params: Model, body: SchemaBody } },
    (req) => templates.setModelSchema(actor(req), req.params.model, req.body.schema),
  );
  app.delete<{ Params: Static<typeof Model> }>('/api/v1/config/models/:model/schema', { config: { role: 'admin' }, schema: { tags, params: Model } }, async (req, reply) => {
    await templates.removeModelSchema(actor(req), req.params.model);
    return reply.status(204).send();
  });
}
