import type { FastifyInstance } from 'fastify';
import { SIEM_ROUTES as R } from '@outpost/protocol';
import { actor } from '../../http/auth.hook.js';
import { serve } from '../../http/route-table.js';
import type { SiemService } from './siem.service.js';

export function registerSiemRoutes(app: FastifyInstance, siem: SiemService) {
  serve(app, R.sinks, async () => ({ items: await siem.list() }));
  serve(app, R.sink, (req) => siem.get(req.params.id));
  serve(app, R.createSink, async (req, reply) => {
    reply.status(201);
    return siem.create(actor(req), req.body);
  });
  serve(app, R.updateSink, (req) => siem.update(actor(req), req.params.id, req.body));
  serve(app, R.deleteSink, async (req, reply) => {
    await siem.remove(actor(req), req.params.id);
    return reply.status(204).send();
  });
  serve(app, R.testSink, (req) => siem.test(actor(req), req.params.id));
}
