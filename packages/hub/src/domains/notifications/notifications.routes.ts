import type { FastifyInstance } from 'fastify';
import { NOTIFICATIONS_ROUTES as R } from '@outpost/protocol';
import { actor, deviceScopeOf } from '../../http/auth.hook.js';
import { serve } from '../../http/route-table.js';
import type { NotificationsService } from './notifications.service.js';

// Bodies can be large (reports); lists show the envelope only.
const envelope = <T extends { body?: unknown }>(m: T) => {
  const { body: _b, ...rest } = m;
  return rest;
};

export function registerNotificationRoutes(app: FastifyInstance, n: NotificationsService) {
  serve(app, R.channels, async () => ({ items: await n.listChannels() }));
  serve(app, R.createChannel, async (req, reply) => {
    reply.status(201);
    return n.createChannel(actor(req), req.body);
  });
  serve(app, R.channel, (req) => n.getChannel(req.params.id));
  serve(app, R.updateChannel, (req) => n.updateChannel(actor(req), req.params.id, req.body));
  serve(app, R.deleteChannel, async (req, reply) => {
    await n.deleteChannel(actor(req), req.params.id);
    return reply.status(204).send();
  });
  serve(app, R.testChannel, async (req, reply) => {
    reply.status(202);
    return n.test(actor(req), req.params.id);
  });
  serve(app, R.messages, async (req) => {
    const filter = { channelId: req.query.channel, state: req.query.state, limit: req.query.limit };
    return { items: (await n.messages(filter, deviceScopeOf(req).where)).map(envelope) };
  });
  // A group-scoped reader sees the messages about its devices only (a test or a fleet report is about none).
  serve(app, R.deadLetters, async (req) => ({ items: (await n.deadLetters(deviceScopeOf(req).where)).map(envelope) }));
  serve(app, R.message, (req) => n.message(req.params.id, deviceScopeOf(req).where));
  serve(app, R.retry, async (req) => envelope((await n.retry(actor(req), req.params.id, deviceScopeOf(req).where))!));
}
