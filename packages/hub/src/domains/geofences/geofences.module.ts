import { defineModule } from '../../platform/module.js';
import type { AuditLog } from '../audit/index.js';
import type { DeviceDirectory, DeviceSelector } from '../devices/index.js';
import type { HubContext } from '../hub-context.js';
import { createGeofenceEvaluator, type GeofenceDeviceEvent } from './geofence-evaluator.js';
import { geofencesTables } from './geofences.migration.js';
import { registerGeofenceRoutes } from './geofences.routes.js';
import { createGeofencesService } from './geofences.service.js';
import { createGeofencesStore } from './geofences.store.js';

/** Geofences: circles and polygons on a group or a device; each reported position is measured against them, and a crossing becomes a device event (and an alert through the `geofence` rule). */
export const geofencesModule = defineModule({
  name: 'geofences',
  migrations: { '036_geofences': geofencesTables },
  events: { emits: [], consumes: ['locationReported', 'membershipChanged'] },
  create(
    d: Pick<HubContext, 'db' | 'clock' | 'logger' | 'events'> & {
      devices: Pick<DeviceDirectory, 'idsWithin'>;
      selector: Pick<DeviceSelector, 'where'>;
      /** Files a hub-made event in the device's event list. */
      recordDeviceEvent(deviceId: string, e: GeofenceDeviceEvent): Promise<void>;
      audit: AuditLog;
    },
  ) {
    const store = createGeofencesStore(d.db);
    const geofences = createGeofencesService({
      store,
      inGroup: async (deviceId, group) =>
        (await d.devices.idsWithin(await d.selector.where(`group = ${JSON.stringify(group)}`), [deviceId])).length > 0,
      audit: d.audit,
      clock: d.clock,
    });
    const evaluator = createGeofenceEvaluator({
      fencesFor: geofences.fencesFor,
      sidesOf: store.sidesOf,
      putSides: store.putSides,
      recordEvent: d.recordDeviceEvent,
    });
    d.events.on('locationReported', async (p) => {
      if (p.accuracyM !== undefined && p.accuracyM !== null && !Number.isFinite(p.accuracyM)) return;
      await evaluator.onLocation({
        deviceId: p.deviceId,
        lat: p.lat,
        lon: p.lon,
        accuracyM: p.accuracyM ?? null,
        fixAt: p.fixAt,
        at: p.at,
      });
    });
    // A group rename moves fences' groups: read the fences again.
    d.events.on('membershipChanged', () => geofences.forget());
    return {
      api: { geofences, sides: { crossedSides: store.crossedSides } },
      parts: { routes: (app) => registerGeofenceRoutes(app, geofences) },
    };
  },
});
