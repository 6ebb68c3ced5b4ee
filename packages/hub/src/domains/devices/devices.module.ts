import type { Device } from '@outpost/protocol';
import { Gauge } from 'prom-client';
import { defineModule } from '../../platform/module.js';
import { deviceEventsPartitions } from './device-events-partitions.migration.js';
import type { AuditLog } from '../audit/index.js';
import type { CertificatesStore } from '../enrollment/index.js';
import type { HubContext } from '../hub-context.js';
import type { DeviceSelector } from './device-selector.js';
import { devicesCellular, devicesSortIndexes } from './devices.migration.js';
import { devicesDataLatest } from './device-data.migration.js';
import { registerDeviceRoutes } from './devices.routes.js';
import { createDeviceTimeline, type TimelineSources } from './device-timeline.js';
import { createDevicesService } from './devices.service.js';
import type { DevicesStore } from './devices.store.js';
import { createIngestWriter } from './ingest.writer.js';
import { createMembershipEvents } from './membership-events.js';

// Coalescing window of membership changes (tags, static members, group filters, reported attributes).
const MEMBERSHIP_PASS_MS = 250;

/** Inventory: devices, their reported state (written by the ingest writer), and who is in which group. */
export const devicesModule = defineModule({
  name: 'devices',
  migrations: {
    '007_devices_sort_indexes': devicesSortIndexes,
    '021_devices_cellular': devicesCellular,
    '025_devices_data_latest': devicesDataLatest,
    // PostgreSQL: events partitioned by day, as the samples are; their key now holds the time.
    '043_devices_events_partitions': { up: deviceEventsPartitions },
  },
  events: { emits: ['membershipChanged'], consumes: [] },
  create(
    d: Pick<HubContext, 'clock' | 'logger' | 'bus' | 'config' | 'events' | 'metrics'> & {
      store: DevicesStore;
      certificates: CertificatesStore;
      selector: DeviceSelector;
      audit: AuditLog;
      /** What other domains keep about a device, for its timeline. */
      timeline: TimelineSources;
      /** The device's last broker move, asked at run time (the brokers module is built later). */
      brokerMoveOf?: (id: string) => Promise<Device['brokerMove']>;
    },
  ) {
    const { store, clock, logger } = d;
    const membership = createMembershipEvents({ logger });
    membership.subscribe((devices) => d.events.emit('membershipChanged', { devices }));
    new Gauge({
      name: 'outpost_membership_changes_pending',
      help: 'Membership changes collected for the next pass: devices named, or 1 on scope="all" for a fleet-wide one',
      labelNames: ['scope'],
      registers: [d.metrics.registry],
      collect() {
        const p = membership.pending();
        this.set({ scope: 'devices' }, p === 'all' ? 0 : p);
        this.set({ scope: 'all' }, p === 'all' ? 1 : 0);
      },
    });
    const devices = createDevicesService({
      store,
      certificates: d.certificates,
      selector: d.selector,
      bus: d.bus,
      audit: d.audit,
      clock,
      membership,
      brokerMoveOf: d.brokerMoveOf,
    });
    const ingest = createIngestWriter({
      write: async (b) => membership.changed((await store.writeBatch(b)).attributesChanged),
      flushMs: d.config.ingestFlushMs,
      clock,
      logger,
    });
    return {
      api: { devices, ingest, membership },
      parts: {
        routes: (app) =>
          registerDeviceRoutes(app, devices, createDeviceTimeline({ store, sources: d.timeline, clock })),
        jobs: [{ name: 'membership.changes', everyMs: MEMBERSHIP_PASS_MS, run: () => membership.flush() }],
      },
    };
  },
});
