import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../../platform/clock.js';
import { Type, type Static } from '@sinclair/typebox';
import { actor } from '../../../http/auth.hook.js';
import type { ComplianceService } from './compliance.service.js';
import type { createComplianceReport } from './compliance.report.js';

const Rows = Type.Object({
  state: Type.Optional(Type.String({ maxLength: 16 })),
  template: Type.Optional(Type.String({ maxLength: 64 })),
  filter: Type.Optional(Type.String({ maxLength: 4096 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })),
  cursor: Type.Optional(Type.String({ maxLength: 512 })),
});
const History = Type.Object({ template: Type.Optional(Type.String({ maxLength: 64 })), hours: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 8784 })) });
const Report = Type.Object({
  format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
  view: Type.Optional(Type.Union([Type.Literal('states'), Type.Literal('incidents'), Type.Literal('remediations')])),
  template: Type.Optional(Type.String({ maxLength: 64 })),
  filter: Type.Optional(Type.String({ maxLength: 4096 })),
  hours: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 8784 })),
});
const Events = Type.Object({
  device: Type.Optional(Type.String({ maxLength: 64 })),
  type: Type.Optional(Type.String({ maxLength: 64 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});

export function registerComplianceRoutes(
  app: FastifyInstance,
  svc: ComplianceService,
  report: ReturnType<typeof createComplianceReport>,
  clock: Clock,
) {
  const viewer = { role: 'viewer' as const };
  const tags = ['compliance'];
  app.get('/api/v1/compliance', { config: viewer, schema: { tags } }, () => svc.summary());
  app.get<{ Querystring: Static<typeof Rows> }>('/api/v1/compliance/devices', { config: viewer, schema: { tags, querystring: Rows } }, (req) => svc.list(req.query));
  app.get<{ Querystring: Static<typeof History> }>('/api/v1/compliance/history', { config: viewer, schema: { tags, querystring: History } }, (req) => svc.history(req.query));
  app.get<{ Querystring: Static<typeof Report> }>('/api/v1/compliance/report', { config: viewer, schema: { tags, querystring: Report } }, async (req, reply) => {
    if (req.query.format !== 'csv') return report.build(req.query);
    const stamp = clock.now().toISOString().slice(0, 10);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="compliance-${req.query.view ?? 'states'}-${stamp}.csv"`)
      .send(await report.csv(req.query));
  });
  app.get<{ Querystring: Static<typeof Events> }>('/api/v1/compliance/events', { config: viewer, schema: { tags, querystring: Events } }, (req) => svc.events(req.query));
  app.post('/api/v1/compliance/scan', { config: { role: 'operator' }, schema: { tags } }, (req) => svc.scan('manual', actor(req)));
}
