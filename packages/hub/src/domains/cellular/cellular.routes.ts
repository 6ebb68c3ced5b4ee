import type { FastifyInstance } from 'fastify';
import { CELLULAR_ROUTES as R } from '@outpost/protocol';
import { deviceScopeOf } from '../../http/auth.hook.js';
import { serve } from '../../http/route-table.js';
import { NotFound } from '../../platform/errors.js';
import type { CellularService } from './cellular.service.js';
import type { GroupPlans } from './group-plans.js';
import type { CellularReports } from './cellular-reports.js';
import { usageReportCsv, usageReportHtml } from './usage-report.render.js';

export function registerCellularRoutes(
  app: FastifyInstance,
  cellular: CellularService,
  groupPlans: GroupPlans,
  reports: CellularReports,
) {
  serve(app, R.device, (req) => cellular.deviceCellular(req.params.id));
  serve(app, R.setPlan, async (req) => {
    // The plan belongs to the SIM the device holds now; it follows the SIM, not the device.
    const { inventory } = await cellular.deviceCellular(req.params.id);
    if (!inventory.iccid) throw new NotFound('SIM of device', req.params.id);
    return cellular.setPlan(inventory.iccid, req.body);
  });
  serve(app, R.signal, (req) => reports.signal(req.params.id, req.query));
  serve(app, R.groupPlans, async (req) => ({ items: await groupPlans.list(deviceScopeOf(req)) }));
  serve(app, R.setGroupPlan, (req) => groupPlans.set(deviceScopeOf(req), req.body));
  serve(app, R.deleteGroupPlan, async (req, reply) => {
    await groupPlans.remove(deviceScopeOf(req), req.query.group);
    return reply.status(204).send();
  });
  serve(app, R.usageReport, async (req, reply) => {
    const r = await reports.usage(deviceScopeOf(req), { group: req.query.group, at: req.query.at });
    const format = req.query.format ?? 'json';
    if (format === 'json') return r;
    const name = `cellular-usage-${r.at}`;
    reply.header('content-disposition', `attachment; filename="${name}.${format}"`);
    if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(usageReportCsv(r));
    return reply.type('text/html; charset=utf-8').send(usageReportHtml(r));
  });
}
