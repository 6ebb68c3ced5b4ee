import type { FastifyInstance } from 'fastify';
import { CONFIGS_ROUTES as R } from '@outpost/protocol';
import type { Clock } from '../../../platform/clock.js';
import { actor, deviceScopeOf } from '../../../http/auth.hook.js';
import { serve } from '../../../http/route-table.js';
import type { ComplianceService } from './compliance.service.js';
import type { createComplianceReport } from './compliance.report.js';

export function registerComplianceRoutes(
  app: FastifyInstance,
  svc: ComplianceService,
  report: ReturnType<typeof createComplianceReport>,
  clock: Clock,
) {
  // Every answer is over the caller's group scope (`deviceScopeOf`): its devices and their sources only.
  serve(app, R.complianceSummary, (req) => svc.summary(deviceScopeOf(req)));
  serve(app, R.complianceDevices, (req) => svc.list(req.query, deviceScopeOf(req)));
  serve(app, R.complianceHistory, (req) => svc.history(req.query, deviceScopeOf(req)));
  serve(app, R.complianceReport, async (req, reply) => {
    if (req.query.format !== 'csv') return report.build(req.query, deviceScopeOf(req));
    const stamp = clock.now().toISOString().slice(0, 10);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="compliance-${req.query.view ?? 'states'}-${stamp}.csv"`)
      .send(await report.csv(req.query, deviceScopeOf(req)));
  });
  serve(app, R.complianceEvents, (req) => svc.events(req.query, deviceScopeOf(req)));
  serve(app, R.complianceScan, (req) => svc.scan('manual', actor(req), deviceScopeOf(req)));
}
