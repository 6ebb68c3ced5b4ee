import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { actor } from '../../http/auth.hook.js';
import { HEALTH_METRICS } from './health-metrics.js';
import type { HealthService } from './health.service.js';

const Model = Type.Object({ model: Type.String({ minLength: 1, maxLength: 128 }) });
const Id = Type.Object({ id: Type.String({ maxLength: 64 }) });
const Rules = Type.Object({ rules: Type.Array(Type.Record(Type.String({ maxLength: 32 }), Type.Unknown(), { maxProperties: 8 }), { maxItems: 64 }) }, { additionalProperties: false });
const Fleet = Type.Object({ filter: Type.Optional(Type.String({ maxLength: 4096 })) });

export function registerHealthRoutes(app: FastifyInstance, health: HealthService) {
  const viewer = { role: 'viewer' as const };
  const operator = { role: 'operator' as const };
  const tags = ['health'];
  app.get<{ Querystring: Static<typeof Fleet> }>('/api/v1/health/fleet', { config: viewer, schema: { tags, querystring: Fleet } }, (req) => health.fleetHealth(req.query.filter));
  app.get<{ Params: Static<typeof Id> }>('/api/v1/health/devices/:id', { config: viewer, schema: { tags, params: Id } }, (req) => health.deviceHealth(req.params.id));
  // The metrics a rule can name come along, so an editor can offer them (aliases such as `cpu` are accepted too).
  app.get('/api/v1/health/models', { config: viewer, schema: { tags } }, async () => ({ items: await health.listModels(), metrics: [...HEALTH_METRICS] }));
  app.put<{ Params: Static<typeof Model>; Body: Static<typeof Rules> }>('/api/v1/health/models/:model', { config: operator, schema: { tags, params: Model, body: Rules } }, (req) =>
    health.setModel(actor(req), req.params.model, req.body.rules),
  );
  app.delete<{ Params: Static<typeof Model> }>('/api/v1/health/models/:model', { config: operator, schema: { tags, params: Model } }, async (req, reply) => {
    await health.deleteModel(actor(req), req.params.model);
    return reply.status(204).send();
  });
}
