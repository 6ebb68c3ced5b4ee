import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AlertSeverity } from '@outpost/protocol';
import { actor } from '../../http/auth.hook.js';
import type { AlertsService } from './alerts.service.js';

const Id = Type.Object({ id: Type.String({ maxLength: 64 }) });
const Scope = Type.Object({ group: Type.Optional(Type.String({ maxLength: 600 })), filter: Type.Optional(Type.String({ maxLength: 4096 })) }, { additionalProperties: false });
// Types only: the service checks meanings (known type and metric, durations, channels) and names the path.
const RuleFields = {
  name: Type.String({ minLength: 1, maxLength: 128 }),
  type: Type.String({ minLength: 1, maxLength: 64 }),
  severity: Type.Optional(Type.String({ maxLength: 16 })),
  scope: Type.Optional(Scope),
  params: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { maxProperties: 32 })),
  forS: Type.Optional(Type.Number()),
  clearForS: Type.Optional(Type.Number()),
  channels: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 16 })),
  enabled: Type.Optional(Type.Boolean()),
};
const NewRule = Type.Object(RuleFields, { additionalProperties: false });
const PatchRule = Type.Object(
  { ...RuleFields, name: Type.Optional(RuleFields.name), type: Type.Optional(RuleFields.type) },
  { additionalProperties: false, minProperties: 1 },
);
const Note = Type.Object({ note: Type.Optional(Type.String({ maxLength: 1024 })) }, { additionalProperties: false });
const ListQuery = Type.Object({
  state: Type.Optional(Type.Union(['open', 'firing', 'acknowledged', 'resolved'].map((s) => Type.Literal(s)))),
  device: Type.Optional(Type.String({ maxLength: 64 })),
  rule: Type.Optional(Type.String({ maxLength: 64 })),
  severity: Type.Optional(Type.Union(['info', 'warning', 'critical'].map((s) => Type.Literal(s)))),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  cursor: Type.Optional(Type.String({ maxLength: 512 })),
});

export function registerAlertRoutes(app: FastifyInstance, alerts: AlertsService) {
  const viewer = { role: 'viewer' as const };
  const operator = { role: 'operator' as const };
  const tags = ['alerts'];
  app.get<{ Querystring: Static<typeof ListQuery> }>('/api/v1/alerts', { config: viewer, schema: { tags, querystring: ListQuery } }, (req) =>
    alerts.list({ state: req.query.state, deviceId: req.query.device, ruleId: req.query.rule, severity: req.query.severity as AlertSeverity | undefined, limit: req.query.limit, cursor: req.query.cursor }),
  );
  app.get('/api/v1/alerts/summary', { config: viewer, schema: { tags } }, () => alerts.summary());
  app.post('/api/v1/alerts/evaluate', { config: operator, schema: { tags } }, () => alerts.evaluate());
  app.get<{ Params: Static<typeof Id> }>('/api/v1/alerts/:id', { config: viewer, schema: { tags, params: Id } }, (req) => alerts.get(req.params.id));
  app.post<{ Params: Static<typeof Id>; Body: Static<typeof Note> }>('/api/v1/alerts/:id/ack', { config: operator, schema: { tags, params: Id, body: Note } }, (req) =>
    alerts.acknowledge(actor(req), req.params.id, req.body.note ?? null),
  );
  app.post<{ Params: Static<typeof Id>; Body: Static<typeof Note> }>('/api/v1/alerts/:id/resolve', { config: operator, schema: { tags, params: Id, body: Note } }, (req) =>
    alerts.resolve(actor(req), req.params.id, req.body.note ?? null),
  );
  app.get('/api/v1/alert-rule-types', { config: viewer, schema: { tags } }, async () => ({ items: alerts.ruleTypes() }));
  app.get('/api/v1/alert-rules', { config: viewer, schema: { tags } }, async () => ({ items: await alerts.listRules() }));
  app.post<{ Body: Static<typeof NewRule> }>('/api/v1/alert-rules', { config: operator, schema: { tags, body: NewRule } }, async (req, reply) => {
    reply.status(201);
    return alerts.createRule(actor(req), req.body as Parameters<AlertsService['createRule']>[1]);
  });
  app.get<{ Params: Static<typeof Id> }>('/api/v1/alert-rules/:id', { config: viewer, schema: { tags, params: Id } }, (req) => alerts.getRule(req.params.id));
  app.patch<{ Params: Static<typeof Id>; Body: Static<typeof PatchRule> }>('/api/v1/alert-rules/:id', { config: operator, schema: { tags, params: Id, body: PatchRule } }, (req) =>
    alerts.updateRule(actor(req), req.params.id, req.body as Parameters<AlertsService['updateRule']>[2]),
  );
  app.delete<{ Params: Static<typeof Id> }>('/api/v1/alert-rules/:id', { config: operator, schema: { tags, params: Id } }, async (req, reply) => {
    await alerts.deleteRule(actor(req), req.params.id);
    return reply.status(204).send();
  });
}
