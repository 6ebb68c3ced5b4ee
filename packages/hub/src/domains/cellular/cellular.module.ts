import { defineModule } from '../../platform/module.js';
import type { CellularInventory } from '../devices/index.js';
import type { HubContext } from '../hub-context.js';
import { cellularTables } from './cellular.migration.js';
import { registerCellularRoutes } from './cellular.routes.js';
import { createCellularService } from './cellular.service.js';
import { createCellularStore } from './cellular.store.js';

/** Cellular reports: the modem inventory, SIM swaps, IMEI changes and roaming, data use per SIM and billing cycle. */
export const cellularModule = defineModule({
  name: 'cellular',
  migrations: { '022_cellular_usage_changes': cellularTables },
  events: { emits: ['locationReported'], consumes: [] },
  create(d: Pick<HubContext, 'db' | 'clock' | 'logger' | 'events'> & { inventory: CellularInventory }) {
    const store = createCellularStore(d.db);
    const cellular = createCellularService({
      store,
      inventory: d.inventory,
      clock: d.clock,
      logger: d.logger,
      // Position history and geofences listen; the report is done when they have filed the fix.
      onLocation: (fix) => d.events.emit('locationReported', fix),
    });
    return {
      api: { cellular },
      parts: {
        routes: (app) => registerCellularRoutes(app, cellular),
        topics: { cellular: cellular.onReport },
      },
    };
  },
});
