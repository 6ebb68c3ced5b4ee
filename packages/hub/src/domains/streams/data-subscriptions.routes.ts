import type { FastifyInstance } from 'fastify';
import { STREAMS_ROUTES as R } from '@outpost/protocol';
import { actor, deviceScopeOf } from '../../http/auth.hook.js';
import { serve } from '../../http/route-table.js';
import type { DataSubscriptionsService } from './data-subscriptions.service.js';

// Thin: the route table checked the body and the role; the service checks the scope.
export function registerDataSubscriptionRoutes(app: FastifyInstance, subs: DataSubscriptionsService) {
  serve(app, R.subscriptions, async (req) => ({ items: await subs.list(deviceScopeOf(req)) }));
  serve(app, R.createSubscription, async (req, reply) => {
    reply.status(201);
    return subs.create(actor(req), deviceScopeOf(req), req.body);
  });
  serve(app, R.deleteSubscription, async (req, reply) => {
    await subs.remove(actor(req), deviceScopeOf(req), req.params.id);
    return reply.status(204).send();
  });
}
