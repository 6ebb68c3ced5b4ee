import type { FastifyInstance, FastifyRequest } from 'fastify';
import { VIEWS_ROUTES as R } from '@outpost/protocol';
import { Unauthenticated } from '../../platform/errors.js';
import { serve } from '../../http/route-table.js';
import { deviceScopeOf } from '../../http/auth.hook.js';
import type { ViewsService } from './views.service.js';

function principal(req: FastifyRequest) {
  if (!req.principal) throw new Unauthenticated();
  return req.principal;
}

/** True for a group-scoped caller: it sees its own views only. */
const confined = (req: FastifyRequest) => !deviceScopeOf(req).unrestricted;

/** Saved device views: every signed-in user keeps their own, so every route is open to viewers. */
export function registerViewRoutes(app: FastifyInstance, views: ViewsService) {
  serve(app, R.list, (req) => views.list(principal(req), confined(req)));
  serve(app, R.get, (req) => views.get(principal(req), req.params.id, confined(req)));
  serve(app, R.create, async (req, reply) => {
    reply.status(201);
    return views.create(principal(req), req.body);
  });
  serve(app, R.update, (req) => views.update(principal(req), req.params.id, req.body, confined(req)));
  serve(app, R.remove, async (req, reply) => {
    await views.remove(principal(req), req.params.id, confined(req));
    return reply.status(204).send();
  });
}
