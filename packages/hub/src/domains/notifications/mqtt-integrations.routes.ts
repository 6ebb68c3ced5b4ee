import type { FastifyInstance } from 'fastify';
import { NOTIFICATIONS_ROUTES as R } from '@outpost/protocol';
import { actor } from '../../http/auth.hook.js';
import { serve } from '../../http/route-table.js';
import type { MqttIntegrations } from './mqtt-integrations.service.js';

export function registerMqttIntegrationRoutes(app: FastifyInstance, integrations: MqttIntegrations) {
  serve(app, R.mqttIntegrations, async () => ({ items: await integrations.list() }));
  serve(app, R.createMqttIntegration, async (req, reply) => {
    reply.status(201);
    return integrations.create(actor(req), req.body);
  });
  serve(app, R.revokeMqttIntegration, async (req, reply) => {
    await integrations.revoke(actor(req), req.params.id);
    return reply.status(204).send();
  });
}
