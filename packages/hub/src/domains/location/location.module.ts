import { defineModule } from '../../platform/module.js';
import type { AuditLog } from '../audit/index.js';
import type { DeviceLocations, DeviceSelector } from '../devices/index.js';
import type { HubContext } from '../hub-context.js';
import { locationTables } from './location.migration.js';
import { registerLocationRoutes } from './location.routes.js';
import { createLocationService, type LocationDeps } from './location.service.js';
import { createLocationStore } from './location.store.js';

/** Where devices are: the fleet on a map, each device's position history (thinned, aged out), the map's tile source. */
export const locationModule = defineModule({
  name: 'location',
  migrations: { '038_location_history': locationTables },
  events: { emits: [], consumes: ['locationReported'] },
  create(
    d: Pick<HubContext, 'db' | 'clock' | 'events'> & {
      located: DeviceLocations;
      selector: DeviceSelector;
      exists: LocationDeps['exists'];
      healthOf: LocationDeps['healthOf'];
      audit: AuditLog;
    },
  ) {
    const store = createLocationStore(d.db);
    const location = createLocationService({ ...d, store });
    d.events.on('locationReported', (fix) => location.record(fix));
    return {
      api: { location, store },
      parts: { routes: (app) => registerLocationRoutes(app, location) },
    };
  },
});
