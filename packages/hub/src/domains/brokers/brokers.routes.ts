import type { FastifyInstance } from 'fastify';
import { BROKERS_ROUTES as R } from '@outpost/protocol';
import { serve } from '../../http/route-table.js';
import { actor } from '../../http/auth.hook.js';
import { Unauthenticated } from '../../platform/errors.js';
import type { BrokerMoveService } from './broker-moves.service.js';

export function registerBrokerRoutes(app: FastifyInstance, moves: BrokerMoveService) {
  serve(app, R.deviceBroker, (req) => moves.view(req.params.id));
  serve(app, R.move, async (req, reply) => {
    if (!req.principal) throw new Unauthenticated();
    const view = await moves.move(req.principal, actor(req), req.params.id, req.body);
    reply.status(202);
    return view;
  });
}
