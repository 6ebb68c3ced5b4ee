import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { ARTIFACT_KINDS } from '@outpost/protocol';
import { actor } from '../../../http/auth.hook.js';
import type { ArtifactsService } from './artifacts.service.js';
import type { UpdateTrust } from './update-trust.service.js';
import { registerArtifactDownload, type DownloadAuth } from './artifact-download.routes.js';

const Id = Type.Object({ id: Type.String({ maxLength: 64 }) });
const Create = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 128 }),
    version: Type.String({ minLength: 1, maxLength: 64 }),
    kind: Type.Union(ARTIFACT_KINDS.map((k) => Type.Literal(k))),
    models: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 64 }),
    minVersion: Type.Optional(Type.String({ maxLength: 64 })),
    releaseNotes: Type.Optional(Type.String({ maxLength: 65_536 })),
  },
  { additionalProperties: false },
);
const UploadQuery = Type.Object({ sha256: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{64}$' })) }, { additionalProperties: false });
const ManifestBodyIn = Type.Object({ manifest: Type.Unknown() }, { additionalProperties: false });
const SignBody = Type.Object(
  { keyid: Type.String({ pattern: '^[0-9a-f]{64}$' }), counter: Type.Integer({ minimum: 0, maximum: 2_147_483_647 }), expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })) },
  { additionalProperties: false },
);
const UnsignedQuery = Type.Object(
  { counter: Type.Integer({ minimum: 0, maximum: 2_147_483_647 }), expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })) },
  { additionalProperties: false },
);
const ListQuery = Type.Object({ name: Type.Optional(Type.String({ maxLength: 128 })) }, { additionalProperties: false });
const RootBodyIn = Type.Object({ root: Type.Unknown() }, { additionalProperties: false });
const KeyBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false });

export function registerArtifactRoutes(app: FastifyInstance, artifacts: ArtifactsService, trust: UpdateTrust, auth: DownloadAuth, maxBytes: number) {
  const operator = { role: 'operator' as const };
  const viewer = { role: 'viewer' as const };
  const tags = ['artifacts'];
  app.post<{ Body: Static<typeof Create> }>('/api/v1/artifacts', { config: operator, schema: { tags, body: Create } }, async (req, reply) =>
    reply.status(201).send(await artifacts.create(actor(req), req.body)),
  );
  app.get<{ Querystring: Static<typeof ListQuery> }>('/api/v1/artifacts', { config: viewer, schema: { tags, querystring: ListQuery } }, async (req) => ({
    items: await artifacts.list(req.query.name),
  }));
  app.get<{ Params: Static<typeof Id> }>('/api/v1/artifacts/:id', { config: viewer, schema: { tags, params: Id } }, (req) => artifacts.get(req.params.id));
  app.delete<{ Params: Static<typeof Id> }>('/api/v1/artifacts/:id', { config: operator, schema: { tags, params: Id } }, async (req, reply) => {
    await artifacts.remove(actor(req), req.params.id);
    return reply.status(204).send();
  });
  app.put<{ Params: Static<typeof Id>; Body: Static<typeof ManifestBodyIn> }>(
    '/api/v1/artifacts/:id/manifest',
    { config: operator, schema: { tags, params: Id, body: ManifestBodyIn } },
    (req) => artifacts.attachManifest(actor(req), req.params.id, req.body.manifest),
  );
  app.get<{ Params: Static<typeof Id>; Querystring: Static<typeof UnsignedQuery> }>(
    '/api/v1/artifacts/:id/unsigned-manifest',
    { config: viewer, schema: { tags, params: Id, querystring: UnsignedQuery } },
    (req) => artifacts.unsignedManifest(req.params.id, req.query.counter, req.query.expiresInDays ?? 365),
  );
  app.post<{ Params: Static<typeof Id>; Body: Static<typeof SignBody> }>(
    '/api/v1/artifacts/:id/sign',
    { config: { role: 'admin' }, schema: { tags, params: Id, body: SignBody } },
    (req) => artifacts.signOnHub(actor(req), req.params.id, { ...req.body, expiresInDays: req.body.expiresInDays ?? 365 }),
  );
  app.get('/api/v1/update-trust/root', { config: viewer, schema: { tags } }, async () => ({ root: await trust.current(), history: await trust.history() }));
  app.put<{ Body: Static<typeof RootBodyIn> }>('/api/v1/update-trust/root', { config: { role: 'admin' }, schema: { tags, body: RootBodyIn } }, async (req) => ({
    root: await trust.setRoot(actor(req), req.body.root),
  }));
  app.get('/api/v1/update-trust/keys', { config: viewer, schema: { tags } }, async () => ({ items: await trust.keys() }));
  app.post<{ Body: Static<typeof KeyBody> }>('/api/v1/update-trust/keys', { config: { role: 'admin' }, schema: { tags, body: KeyBody } }, async (req, reply) =>
    reply.status(201).send(await trust.createKey(actor(req), req.body.name)),
  );

  // The content streams to disk: only this scope parses octet-stream bodies, with the artifact limit.
  app.register(async (scope) => {
    scope.addContentTypeParser('application/octet-stream', (_req, payload, done) => done(null, payload));
    scope.put<{ Params: Static<typeof Id>; Querystring: Static<typeof UploadQuery> }>(
      '/api/v1/artifacts/:id/content',
      { config: operator, bodyLimit: maxBytes, schema: { tags, params: Id, querystring: UploadQuery } },
      (req) => artifacts.upload(actor(req), req.params.id, req.body as Readable, req.query.sha256),
    );
  });
  registerArtifactDownload(app, artifacts, auth);
}
