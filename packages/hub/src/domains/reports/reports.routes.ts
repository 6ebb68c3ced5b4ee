import type { FastifyInstance } from 'fastify';
import { REPORTS_ROUTES as R } from '@outpost/protocol';
import { actor } from '../../http/auth.hook.js';
import { serve } from '../../http/route-table.js';
import type { ReportsService } from './reports.service.js';

type Req = Parameters<ReportsService['runNow']>[1];
type Sched = Parameters<ReportsService['createSchedule']>[1];

// A report is a document to read, not a page to run: no scripts, no fetches.
const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

export function registerReportRoutes(app: FastifyInstance, reports: ReportsService) {
  serve(app, R.runNow, async (req, reply) => {
    reply.status(201);
    return reports.runNow(actor(req), req.body as Req);
  });
  serve(app, R.runs, async (req) => ({
    items: await reports.runs({ scheduleId: req.query.schedule, limit: req.query.limit }),
  }));
  serve(app, R.run, (req) => reports.run(req.params.id));
  serve(app, R.content, async (req, reply) => {
    const c = await reports.content(req.params.id, req.params.format);
    return reply.type(c.type).header('content-security-policy', REPORT_CSP).send(c.body);
  });
  serve(app, R.schedules, async () => ({ items: await reports.listSchedules() }));
  serve(app, R.createSchedule, async (req, reply) => {
    reply.status(201);
    return reports.createSchedule(actor(req), req.body as Sched);
  });
  serve(app, R.schedule, (req) => reports.getSchedule(req.params.id));
  serve(app, R.updateSchedule, (req) => reports.updateSchedule(actor(req), req.params.id, req.body as Partial<Sched>));
  serve(app, R.deleteSchedule, async (req, reply) => {
    await reports.deleteSchedule(actor(req), req.params.id);
    return reply.status(204).send();
  });
}
