import { Counter, Gauge } from 'prom-client';
import type { DeviceBus } from '../../platform/device-bus.js';
import { defineModule } from '../../platform/module.js';
import type { StepUp } from '../../platform/step-up.js';
import type { AuditLog } from '../audit/index.js';
import type { DeviceDirectory, DeviceHistory, DeviceSelector } from '../devices/index.js';
import type { GroupsStore } from '../groups/index.js';
import type { HubContext } from '../hub-context.js';
import { guardGrantStatesMigration } from './guard-grant-states.migration.js';
import { guardKeyEndorsementsMigration } from './guard-keys.migration.js';
import { createGuardKeysStore } from './guard-keys.store.js';
import { guardMigration } from './guard.migration.js';
import { guardFieldAssetsMigration, guardFieldAssetsOriginMigration } from './field-assets.migration.js';
import { createFieldAssetsService } from './field-assets.service.js';
import { createFieldAssetsStore } from './field-assets.store.js';
import { registerGuardRoutes } from './guard.routes.js';
import { createGuardService } from './guard.service.js';
import { createGuardStore } from './guard.store.js';

/** OT guard policies, signed write grants and guard events, delivered to each device as one signed document; the field devices behind each gateway. */
export const guardModule = defineModule({
  name: 'guard',
  migrations: {
    '006_guard_policies_grants_keys': { up: guardMigration },
    '011_guard_key_endorsements': { up: guardKeyEndorsementsMigration },
    '017_guard_grant_states': { up: guardGrantStatesMigration },
    '023_guard_field_assets': { up: guardFieldAssetsMigration },
    '040_guard_field_assets_origin': { up: guardFieldAssetsOriginMigration },
  },
  events: { emits: [], consumes: ['membershipChanged'] },
  create(
    d: Pick<HubContext, 'db' | 'clock' | 'logger' | 'bus' | 'kek' | 'events' | 'metrics'> & {
      devices: DeviceDirectory;
      groups: GroupsStore;
      deviceEvents: Pick<DeviceHistory, 'events' | 'lastEvent' | 'eventsPerHour'>;
      selector: DeviceSelector;
      audit: AuditLog;
      stepUp: StepUp;
    },
  ) {
    const published = new Counter({
      name: 'outpost_guard_documents_published_total',
      help: 'Guard documents handed to the broker for a device',
      registers: [d.metrics.registry],
    });
    const working = new Gauge({
      name: 'outpost_guard_document_passes_running',
      help: 'Guard document passes running or queued (membership changes, devices back online)',
      registers: [d.metrics.registry],
    });
    const tracked = <T>(work: Promise<T>): Promise<T> => {
      working.inc();
      return work.finally(() => working.dec());
    };
    const bus: DeviceBus = {
      ...d.bus,
      async publish(deviceId, suffix, payload, opts) {
        await d.bus.publish(deviceId, suffix, payload, opts);
        if (suffix === 'guard/policy') published.inc();
      },
    };
    const guard = createGuardService({
      store: createGuardStore(d.db),
      deviceEvents: d.deviceEvents,
      keys: createGuardKeysStore(d.db),
      devices: d.devices,
      groups: d.groups,
      selector: d.selector,
      bus,
      audit: d.audit,
      clock: d.clock,
      logger: d.logger,
      kek: d.kek,
      stepUp: d.stepUp,
    });
    d.events.on('membershipChanged', ({ devices }) => tracked(guard.membershipChanged(devices)));
    const deliver = (id: string) =>
      void tracked(guard.onReady(id)).catch((err: unknown) =>
        d.logger.warn({ err, id }, 'guard document delivery failed'),
      );
    const fieldAssets = createFieldAssetsService({
      store: createFieldAssetsStore(d.db),
      clock: d.clock,
      logger: d.logger,
    });
    return {
      api: guard,
      parts: {
        routes: (app) => registerGuardRoutes(app, guard, fieldAssets),
        onDeviceReady: deliver,
        topics: { 'guard/assets': fieldAssets.onReport },
      },
    };
  },
});
