import type { FastifyInstance } from 'fastify';
import { MAP_ROUTES as R } from '@outpost/protocol';
import { actor, deviceScopeOf } from '../../http/auth.hook.js';
import { serve } from '../../http/route-table.js';
import type { LocationService } from './location.service.js';

export function registerLocationRoutes(app: FastifyInstance, location: LocationService) {
  serve(app, R.points, (req) => location.points(deviceScopeOf(req), req.query));
  serve(app, R.deviceLocations, (req) => location.history(req.params.id, req.query));
  serve(app, R.settings, () => location.settings());
  serve(app, R.putSettings, (req) => location.putSettings(actor(req), req.body));
}
