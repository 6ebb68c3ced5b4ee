import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { UPDATES_ROUTES as R } from '@outpost/protocol';
import { actor } from '../../../http/auth.hook.js';
import { serve } from '../../../http/route-table.js';
import type { ArtifactsService } from './artifacts.service.js';
import type { UpdateTrust } from './update-trust.service.js';
import { registerArtifactDownload, type DownloadAuth } from './artifact-download.routes.js';

export function registerArtifactRoutes(
  app: FastifyInstance,
  artifacts: ArtifactsService,
  trust: UpdateTrust,
  auth: DownloadAuth,
  maxBytes: number,
) {
  serve(app, R.createArtifact, async (req, reply) =>
    reply.status(201).send(await artifacts.create(actor(req), req.body)),
  );
  serve(app, R.artifacts, async (req) => ({ items: await artifacts.list(req.query.name) }));
  serve(app, R.artifact, (req) => artifacts.get(req.params.id));
  serve(app, R.removeArtifact, async (req, reply) => {
    await artifacts.remove(actor(req), req.params.id);
    return reply.status(204).send();
  });
  serve(app, R.attachManifest, (req) => artifacts.attachManifest(actor(req), req.params.id, req.body.manifest));
  serve(app, R.unsignedManifest, (req) =>
    artifacts.unsignedManifest(req.params.id, req.query.counter, req.query.expiresInDays ?? 365),
  );
  serve(app, R.signOnHub, (req) =>
    artifacts.signOnHub(actor(req), req.params.id, { ...req.body, expiresInDays: req.body.expiresInDays ?? 365 }),
  );
  serve(app, R.trustRoot, async () => ({ root: await trust.current(), history: await trust.history() }));
  serve(app, R.setTrustRoot, async (req) => ({ root: await trust.setRoot(actor(req), req.body.root) }));
  serve(app, R.releaseKeys, async () => ({ items: await trust.keys() }));
  serve(app, R.createReleaseKey, async (req, reply) =>
    reply.status(201).send(await trust.createKey(actor(req), req.body.name)),
  );

  // The content streams to disk: only this scope parses octet-stream bodies, with the artifact limit.
  app.register(async (scope) => {
    scope.addContentTypeParser('application/octet-stream', (_req, payload, done) => done(null, payload));
    serve(
      scope,
      R.uploadContent,
      (req) => artifacts.upload(actor(req), req.params.id, req.body as Readable, req.query.sha256),
      { bodyLimit: maxBytes },
    );
  });
  registerArtifactDownload(app, artifacts, auth);
}
