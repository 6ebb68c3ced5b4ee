import { defineModule } from '../../platform/module.js';
import type { AuditLog } from '../audit/index.js';
import type { DeviceSelector, FleetSnapshotStore } from '../devices/index.js';
import type { HubContext } from '../hub-context.js';
import { rollupHealth, type HealthSamples } from './health-rollup.js';
import { registerHealthRoutes } from './health.routes.js';
import { createHealthService } from './health.service.js';
import { createHealthStore } from './health.store.js';

// Hourly roll-ups of health samples are brought up to date this often.
const ROLLUP_EVERY_MS = 300_000;

/** Health models per device model, each device's health verdict, hourly roll-ups of health samples. */
export const healthModule = defineModule({
  name: 'health',
  migrations: {},
  events: { emits: [], consumes: [] },
  create(
    d: Pick<HubContext, 'db' | 'clock' | 'logger' | 'config'> & {
      fleet: FleetSnapshotStore;
      selector: DeviceSelector;
      samples: HealthSamples;
      audit: AuditLog;
    },
  ) {
    const store = createHealthStore(d.db);
    const health = createHealthService({
      store,
      fleet: d.fleet,
      selector: d.selector,
      audit: d.audit,
      clock: d.clock,
      heartbeatFactor: d.config.heartbeatFactor,
    });
    const lookbackHours = Math.ceil(d.config.sampleRetentionDays * 24);
    const rollup = () => rollupHealth({ store, samples: d.samples, clock: d.clock, logger: d.logger, lookbackHours });
    return {
      api: { health, store, rollup },
      parts: {
        routes: (app) => registerHealthRoutes(app, health),
        jobs: [{ name: 'monitoring.rollup', everyMs: ROLLUP_EVERY_MS, run: rollup }],
      },
    };
  },
});
