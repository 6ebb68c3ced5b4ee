import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { actor } from '../../http/auth.hook.js';
import type { ReportsService } from './reports.service.js';

const Id = Type.Object({ id: Type.String({ maxLength: 64 }) });
const Content = Type.Object({ id: Type.String({ maxLength: 64 }), format: Type.Union([Type.Literal('html'), Type.Literal('csv'), Type.Literal('json')]) });
const Scope = Type.Object({ group: Type.Optional(Type.String({ maxLength: 600 })), filter: Type.Optional(Type.String({ maxLength: 4096 })) }, { additionalProperties: false });
const RequestFields = {
  kind: Type.Union([Type.Literal('fleet'), Type.Literal('device')]),
  scope: Type.Optional(Scope),
  deviceId: Type.Optional(Type.String({ maxLength: 64 })),
  periodHours: Type.Optional(Type.Number()),
  formats: Type.Optional(Type.Array(Type.String({ maxLength: 8 }), { maxItems: 3 })),
  channels: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 16 })),
};
const RunBody = Type.Object(RequestFields, { additionalProperties: false });
const ScheduleFields = { ...RequestFields, name: Type.String({ minLength: 1, maxLength: 128 }), cron: Type.String({ minLength: 1, maxLength: 128 }), timezone: Type.Optional(Type.String({ maxLength: 64 })), enabled: Type.Optional(Type.Boolean()) };
const NewSchedule = Type.Object(ScheduleFields, { additionalProperties: false });
const PatchSchedule = Type.Object(
  { ...ScheduleFields, kind: Type.Optional(ScheduleFields.kind), name: Type.Optional(ScheduleFields.name), cron: Type.Optional(ScheduleFields.cron) },
  { additionalProperties: false, minProperties: 1 },
);
const Runs = Type.Object({ schedule: Type.Optional(Type.String({ maxLength: 64 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) });

type Req = Parameters<ReportsService['runNow']>[1];
type Sched = Parameters<ReportsService['createSchedule']>[1];

export function registerReportRoutes(app: FastifyInstance, reports: ReportsService) {
  const viewer = { role: 'viewer' as const };
  const operator = { role: 'operator' as const };
  const tags = ['reports'];
  app.post<{ Body: Static<typeof RunBody> }>('/api/v1/reports/runs', { config: operator, schema: { tags, body: RunBody } }, async (req, reply) => {
    reply.status(201);
    return reports.runNow(actor(req), req.body as Req);
  });
  app.get<{ Querystring: Static<typeof Runs> }>('/api/v1/reports/runs', { config: viewer, schema: { tags, querystring: Runs } }, async (req) => ({
    items: await reports.runs({ scheduleId: req.query.schedule, limit: req.query.limit }),
  }));
  app.get<{ Params: Static<typeof Id> }>('/api/v1/reports/runs/:id', { config: viewer, schema: { tags, params: Id } }, (req) => reports.run(req.params.id));
  app.get<{ Params: Static<typeof Content> }>('/api/v1/reports/runs/:id/:format', { config: viewer, schema: { tags, params: Content } }, async (req, reply) => {
    const c = await reports.content(req.params.id, req.params.format);
    // A report is a document to read, not a page to run: no scripts, no fetches.
    return reply.type(c.type).header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:").send(c.body);
  });
  app.get('/api/v1/reports/schedules', { config: viewer, schema: { tags } }, async () => ({ items: await reports.listSchedules() }));
  app.post<{ Body: Static<typeof NewSchedule> }>('/api/v1/reports/schedules', { config: operator, schema: { tags, body: NewSchedule } }, async (req, reply) => {
    reply.status(201);
    return reports.createSchedule(actor(req), req.body as Sched);
  });
  app.get<{ Params: Static<typeof Id> }>('/api/v1/reports/schedules/:id', { config: viewer, schema: { tags, params: Id } }, (req) => reports.getSchedule(req.params.id));
  app.patch<{ Params: Static<typeof Id>; Body: Static<typeof PatchSchedule> }>('/api/v1/reports/schedules/:id', { config: operator, schema: { tags, params: Id, body: PatchSchedule } }, (req) =>
    reports.updateSchedule(actor(req), req.params.id, req.body as Partial<Sched>),
  );
  app.delete<{ Params: Static<typeof Id> }>('/api/v1/reports/schedules/:id', { config: operator, schema: { tags, params: Id } }, async (req, reply) => {
    await reports.deleteSchedule(actor(req), req.params.id);
    return reply.status(204).send();
  });
}
