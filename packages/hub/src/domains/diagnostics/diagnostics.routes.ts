import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { DIAGNOSTICS_ROUTES as R } from '@outpost/protocol';
import { actor, deviceScopeOf } from '../../http/auth.hook.js';
import { serve } from '../../http/route-table.js';
import type { Clock } from '../../platform/clock.js';
import type { DiagnosticsService } from './diagnostics.service.js';
import type { createDiagnosticsExport } from './diagnostics.export.js';

const DEFAULT_PREVIEW = 4096;

export function registerDiagnosticsRoutes(
  app: FastifyInstance,
  diagnostics: DiagnosticsService,
  exports: ReturnType<typeof createDiagnosticsExport>,
  clock: Clock,
) {
  serve(app, R.declared, async (req) => ({
    deviceId: req.params.id,
    names: await diagnostics.declared(req.params.id),
  }));
  serve(app, R.start, async (req, reply) =>
    reply.status(202).send(await diagnostics.start(actor(req), deviceScopeOf(req), req.body)),
  );
  serve(app, R.list, async (req) => ({ items: await diagnostics.list(deviceScopeOf(req), req.query.limit ?? 50) }));
  serve(app, R.get, (req) => diagnostics.get(deviceScopeOf(req), req.params.id, req.query.preview ?? DEFAULT_PREVIEW));
  serve(app, R.deviceResult, (req) => diagnostics.deviceResult(deviceScopeOf(req), req.params.id, req.params.deviceId));
  serve(app, R.downloadJson, async (req, reply) => {
    const body = await exports.json(deviceScopeOf(req), req.params.id);
    reply.type('application/json');
    reply.header('content-disposition', `attachment; filename="diagnostics-${req.params.id}.json"`);
    return reply.send(Readable.from(body));
  });
  serve(app, R.downloadZip, async (req, reply) => {
    const body = await exports.zip(deviceScopeOf(req), req.params.id, clock.now());
    reply.type('application/zip');
    reply.header('content-disposition', `attachment; filename="diagnostics-${req.params.id}.zip"`);
    return reply.send(Readable.from(body));
  });
}
