import type { FastifyInstance } from 'fastify';
import { CONFIGS_ROUTES as R } from '@outpost/protocol';
import type { Clock } from '../../../platform/clock.js';
import { actor } from '../../../http/auth.hook.js';
import { serve } from '../../../http/route-table.js';
import type { ComplianceService } from './compliance.service.js';
import type { createComplianceReport } from './compliance.report.js';

export function registerComplianceRoutes(
  app: FastifyInstance,
  svc: ComplianceService,
  report: ReturnType<typeof createComplianceReport>,
  clock: Clock,
) {
  serve(app, R.complianceSummary, () => svc.summary());
  serve(app, R.complianceDevices, (req) => svc.list(req.query));
  serve(app, R.complianceHistory, (req) => svc.history(req.query));
  serve(app, R.complianceReport, async (req, reply) => {
    if (req.query.format !== 'csv') return report.build(req.query);
    const stamp = clock.now().toISOString().slice(0, 10);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="compliance-${req.query.view ?? 'states'}-${stamp}.csv"`)
      .send(await report.csv(req.query));
  });
  serve(app, R.complianceEvents, (req) => svc.events(req.query));
  serve(app, R.complianceScan, (req) => svc.scan('manual', actor(req)));
}
