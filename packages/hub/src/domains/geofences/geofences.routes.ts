import type { FastifyInstance } from 'fastify';
import { GEOFENCES_ROUTES as R } from '@outpost/protocol';
import { actor, deviceScopeOf } from '../../http/auth.hook.js';
import { serve } from '../../http/route-table.js';
import type { GeofencesService } from './geofences.service.js';

// Thin: the route table checked the body and the role; the service checks the shape and the scope.
export function registerGeofenceRoutes(app: FastifyInstance, fences: GeofencesService) {
  serve(app, R.list, async (req) => ({ items: await fences.list(deviceScopeOf(req), req.query) }));
  serve(app, R.get, async (req) => fences.get(deviceScopeOf(req), req.params.id));
  serve(app, R.create, async (req, reply) => {
    reply.status(201);
    return fences.create(actor(req), deviceScopeOf(req), req.body);
  });
  serve(app, R.update, async (req) => fences.update(actor(req), deviceScopeOf(req), req.params.id, req.body));
  serve(app, R.delete, async (req, reply) => {
    await fences.remove(actor(req), deviceScopeOf(req), req.params.id);
    return reply.status(204).send();
  });
}
