import type { Clock } from '../../platform/clock.js';
import { ValidationError } from '../../platform/errors.js';
import type { DeviceScope } from '../devices/index.js';
import { staticMembership } from '../groups/index.js';
import type { CellularHistoryStore } from './cellular-history.store.js';
import type { CellularStore } from './cellular.store.js';
import { requireGroupInScope } from './group-plans.js';
import { signalHistory, type SignalHistory } from './signal-history.js';
import { buildUsageReport, type UsageReport } from './usage-report.js';
import type { UsageReportStore } from './usage-report.store.js';

/** What the cellular domain reads out over time: a device's signal history and the fleet's data-usage report. */
export interface CellularReports {
  signal(deviceId: string, q: { from?: string; to?: string }): Promise<SignalHistory>;
  usage(scope: DeviceScope, q: { group?: string; at?: string }): Promise<UsageReport>;
}

export function createCellularReports(d: {
  history: CellularHistoryStore;
  store: Pick<CellularStore, 'planDays'>;
  reports: UsageReportStore;
  clock: Clock;
}): CellularReports {
  return {
    signal: (deviceId, q) => signalHistory(d.history, deviceId, d.clock.now().getTime(), q),
    async usage(scope, q) {
      const now = d.clock.now();
      let at = now;
      if (q.at !== undefined) {
        at = new Date(`${q.at}T12:00:00Z`);
        if (!Number.isFinite(at.getTime()) || at.toISOString().slice(0, 10) !== q.at)
          throw new ValidationError('at must be a calendar day, YYYY-MM-DD', { path: '/at' });
      }
      const group = q.group ?? null;
      if (group !== null) requireGroupInScope(scope, group);
      const where = scope.narrow(group === null ? null : staticMembership(group));
      return buildUsageReport({
        store: d.reports,
        groupPlans: await d.history.groupPlans(),
        simPlanDays: await d.store.planDays(),
        where,
        group,
        at,
        now,
      });
    },
  };
}
