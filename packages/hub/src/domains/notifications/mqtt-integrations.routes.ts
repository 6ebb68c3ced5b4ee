import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { actor } from '../../http/auth.hook.js';
import type { MqttIntegrations } from './mqtt-integrations.service.js';

const Id = Type.Object({ id: Type.String({ maxLength: 64 }) });
const NewIntegration = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 40 }), csrPem: Type.String({ minLength: 1, maxLength: 16_384 }), validityDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })) },
  { additionalProperties: false },
);

export function registerMqttIntegrationRoutes(app: FastifyInstance, integrations: MqttIntegrations) {
  const admin = { role: 'admin' as const };
  const tags = ['notifications'];
  app.get('/api/v1/mqtt-integrations', { config: admin, schema: { tags } }, async () => ({ items: await integrations.list() }));
  app.post<{ Body: Static<typeof NewIntegration> }>('/api/v1/mqtt-integrations', { config: admin, schema: { tags, body: NewIntegration } }, async (req, reply) => {
    reply.status(201);
    return integrations.create(actor(req), req.body);
  });
  app.delete<{ Params: Static<typeof Id> }>('/api/v1/mqtt-integrations/:id', { config: admin, schema: { tags, params: Id } }, async (req, reply) => {
    await integrations.revoke(actor(req), req.params.id);
    return reply.status(204).send();
  });
}
