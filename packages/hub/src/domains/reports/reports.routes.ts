import type { FastifyInstance } from 'fastify';
import { REPORTS_ROUTES as R } from '@outpost/protocol';
import { actor, deviceScopeOf } from '../../http/auth.hook.js';
import { serve } from '../../http/route-table.js';
import type { ReportsService } from './reports.service.js';

type Req = Parameters<ReportsService['runNow']>[2];
type Sched = Parameters<ReportsService['createSchedule']>[2];

// A report is a document to read, not a page to run: no scripts, no fetches.
const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

export function registerReportRoutes(app: FastifyInstance, reports: ReportsService) {
  serve(app, R.runNow, async (req, reply) => {
    reply.status(201);
    return reports.runNow(actor(req), deviceScopeOf(req), req.body as Req);
  });
  serve(app, R.runs, async (req) => ({
    items: await reports.runs(deviceScopeOf(req), { scheduleId: req.query.schedule, limit: req.query.limit }),
  }));
  serve(app, R.run, (req) => reports.run(deviceScopeOf(req), req.params.id));
  serve(app, R.content, async (req, reply) => {
    const c = await reports.content(deviceScopeOf(req), req.params.id, req.params.format);
    return reply.type(c.type).header('content-security-policy', REPORT_CSP).send(c.body);
  });
  serve(app, R.schedules, async (req) => ({ items: await reports.listSchedules(deviceScopeOf(req)) }));
  serve(app, R.createSchedule, async (req, reply) => {
    reply.status(201);
    return reports.createSchedule(actor(req), deviceScopeOf(req), req.body as Sched);
  });
  serve(app, R.schedule, (req) => reports.getSchedule(deviceScopeOf(req), req.params.id));
  serve(app, R.updateSchedule, (req) =>
    reports.updateSchedule(actor(req), deviceScopeOf(req), req.params.id, req.body as Partial<Sched>),
  );
  serve(app, R.deleteSchedule, async (req, reply) => {
    await reports.deleteSchedule(actor(req), deviceScopeOf(req), req.params.id);
    return reply.status(204).send();
  });
}
