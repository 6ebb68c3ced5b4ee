import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { FILE_HEADERS, FILES_ROUTES as R } from '@outpost/protocol';
import { actor, deviceScopeOf } from '../../http/auth.hook.js';
import { serve } from '../../http/route-table.js';
import type { Principal } from '../users/index.js';
import type { FilePullsService } from './file-pulls.service.js';
import type { FilesService } from './files.service.js';

/** Step-up check for writes (users/step-up.ts): a fresh second factor when the user has one. */
export type FilesStepUp = (p: Principal, otp: string | undefined) => Promise<void>;

/** The caller's side of device files; the rules are in the services, each write steps up first. */
export function registerFilesRoutes(
  app: FastifyInstance,
  files: FilesService,
  pulls: FilePullsService,
  stepUp: FilesStepUp,
  maxFileBytes: number,
) {
  serve(app, R.roots, async (req) => ({ items: (await files.roots(actor(req), req.params.id)).roots ?? [] }));
  serve(app, R.list, async (req) => {
    const o = await files.list(actor(req), req.params.id, { ...req.query, path: req.query.path ?? '' });
    return { items: o.entries ?? [], ...(o.next ? { next: o.next } : {}) };
  });
  serve(app, R.stat, async (req) => (await files.stat(actor(req), req.params.id, req.query)).entry);
  serve(app, R.download, async (req, reply) => {
    const r = await files.download(actor(req), req.params.id, req.query);
    return reply
      .header('content-type', 'application/octet-stream')
      .header('content-length', String(r.size - r.offset))
      .header(FILE_HEADERS.sha256, r.sha256)
      .header(FILE_HEADERS.size, String(r.size))
      .header(FILE_HEADERS.offset, String(r.offset))
      .header(FILE_HEADERS.transfer, r.transfer)
      .send(r.body);
  });
  serve(app, R.remove, async (req) => {
    const { otp, ...target } = req.body;
    await stepUp(req.principal!, otp);
    return files.remove(actor(req), req.params.id, target);
  });
  serve(app, R.transfers, async (req) => ({ items: await files.transfers(req.params.id, req.query.limit ?? 50) }));
  serve(app, R.createPull, async (req, reply) =>
    reply.status(202).send(await pulls.create(actor(req), deviceScopeOf(req), req.body)),
  );
  serve(app, R.pull, (req) => pulls.get(deviceScopeOf(req), req.params.id));
  serve(app, R.pullArchive, async (req, reply) => {
    const zip = await pulls.archive(deviceScopeOf(req), req.params.id);
    return reply
      .header('content-type', 'application/zip')
      .header('content-disposition', `attachment; filename="${req.params.id}.zip"`)
      .send(zip);
  });

  // The content streams to the hub's spool: only this scope parses octet-stream bodies, up to the file limit.
  app.register(async (scope) => {
    scope.addContentTypeParser('application/octet-stream', (_req, payload, done) => done(null, payload));
    serve(
      scope,
      R.upload,
      async (req) => {
        const otp = req.headers[FILE_HEADERS.otp];
        await stepUp(req.principal!, typeof otp === 'string' ? otp : undefined);
        const length = Number(req.headers['content-length']);
        return files.upload(
          actor(req),
          req.params.id,
          req.query,
          req.body as Readable,
          Number.isSafeInteger(length) ? length : undefined,
        );
      },
      { bodyLimit: maxFileBytes },
    );
  });
}
