import { defineModule } from '../../platform/module.js';
import type { AuditLog } from '../audit/index.js';
import type { DeviceSelector } from '../devices/index.js';
import type { HubContext } from '../hub-context.js';
import { createReportData, type ReportDataDeps } from './report-data.js';
import { reportRunScopesMigration } from './report-run-scopes.migration.js';
import { registerReportRoutes } from './reports.routes.js';
import { createReportsService } from './reports.service.js';
import { createReportsStore } from './reports.store.js';
import type { NotificationsService } from '../notifications/index.js';

/** Fleet and device reports, on demand and on a schedule, sent through the notification channels. */
export const reportsModule = defineModule({
  name: 'reports',
  migrations: { '024_report_run_scopes': { up: reportRunScopesMigration } },
  events: { emits: [], consumes: [] },
  create(
    d: Pick<HubContext, 'db' | 'clock' | 'logger'> &
      Omit<ReportDataDeps, 'reports'> & {
        selector: DeviceSelector;
        notifications: NotificationsService;
        audit: AuditLog;
      },
  ) {
    const store = createReportsStore(d.db);
    const data = createReportData({ ...d, reports: store });
    const reports = createReportsService({
      store,
      data,
      notifications: d.notifications,
      selector: d.selector,
      audit: d.audit,
      clock: d.clock,
      logger: d.logger,
    });
    return {
      api: { reports, store },
      parts: {
        routes: (app) => registerReportRoutes(app, reports),
        jobs: [{ name: 'reports.due', everyMs: 1000, run: () => reports.runDue() }],
      },
    };
  },
});
