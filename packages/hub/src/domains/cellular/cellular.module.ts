import { defineModule } from '../../platform/module.js';
import type { CellularInventoryStore } from '../devices/index.js';
import { memberPathsOf } from '../groups/index.js';
import type { HubContext } from '../hub-context.js';
import { cellularHistoryTables } from './cellular-history.migration.js';
import { createCellularHistoryStore } from './cellular-history.store.js';
import { cellularTables } from './cellular.migration.js';
import { createCellularReports } from './cellular-reports.js';
import { registerCellularRoutes } from './cellular.routes.js';
import { createCellularService } from './cellular.service.js';
import { createCellularStore } from './cellular.store.js';
import { createGroupPlans } from './group-plans.js';
import { createUsageReportStore } from './usage-report.store.js';

/** Cellular reports: the modem inventory, SIM swaps, IMEI changes and roaming, signal history, data use per SIM and billing cycle against SIM or group plans. */
export const cellularModule = defineModule({
  name: 'cellular',
  migrations: {
    '022_cellular_usage_changes': cellularTables,
    '039_cellular_signal_group_plans': cellularHistoryTables,
  },
  events: { emits: ['locationReported'], consumes: [] },
  create(
    d: Pick<HubContext, 'db' | 'clock' | 'logger' | 'events'> & {
      inventory: CellularInventoryStore;
      /** True when a group with this path exists (static or dynamic). */
      groupExists(path: string): Promise<boolean>;
    },
  ) {
    const store = createCellularStore(d.db);
    const history = createCellularHistoryStore(d.db);
    const groupsOf = async (id: string) => (await memberPathsOf(d.db, [id])).get(id) ?? [];
    const cellular = createCellularService({
      store,
      history,
      groupsOf,
      inventory: d.inventory,
      clock: d.clock,
      logger: d.logger,
      // Position history and geofences listen; the report is done when they have filed the fix.
      onLocation: (fix) => d.events.emit('locationReported', fix),
    });
    const groupPlans = createGroupPlans({
      history,
      groupExists: d.groupExists,
      nowIso: () => d.clock.now().toISOString(),
    });
    const reports = createCellularReports({ history, store, reports: createUsageReportStore(d.db), clock: d.clock });
    return {
      api: { cellular, groupPlans, reports, history },
      parts: {
        routes: (app) => registerCellularRoutes(app, cellular, groupPlans, reports),
        topics: { cellular: cellular.onReport },
      },
    };
  },
});
