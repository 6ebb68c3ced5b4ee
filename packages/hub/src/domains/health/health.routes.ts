import type { FastifyInstance } from 'fastify';
import { HEALTH_ROUTES as R } from '@outpost/protocol';
import { actor, deviceScopeOf } from '../../http/auth.hook.js';
import { serve } from '../../http/route-table.js';
import { HEALTH_METRICS } from './health-metrics.js';
import type { HealthService } from './health.service.js';

export function registerHealthRoutes(app: FastifyInstance, health: HealthService) {
  serve(app, R.fleet, (req) => health.fleetHealth(deviceScopeOf(req), req.query.filter));
  serve(app, R.devices, (req) => health.devicesHealth(deviceScopeOf(req).where, req.query.ids.split(',')));
  serve(app, R.device, (req) => health.deviceHealth(req.params.id));
  // The metrics a rule can name come along, so an editor can offer them (aliases such as `cpu` are accepted too).
  serve(app, R.models, async () => ({ items: await health.listModels(), metrics: [...HEALTH_METRICS] }));
  serve(app, R.setModel, (req) => health.setModel(actor(req), req.params.model, req.body.rules));
  serve(app, R.deleteModel, async (req, reply) => {
    await health.deleteModel(actor(req), req.params.model);
    return reply.status(204).send();
  });
}
