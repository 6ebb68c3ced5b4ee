import { defineModule } from '../../platform/module.js';
import type { HubContext } from '../hub-context.js';
import { up as monitoringMigration } from './monitoring.migration.js';
import { applyRetention, type RetentionTargets } from './retention.js';
import { ensureTimePartitions } from '../../storage/time-partitions.js';

/** Fleet-wide housekeeping of the monitoring data: samples, roll-ups, sent messages and reports age out. */
export const fleetModule = defineModule({
  name: 'fleet',
  // The first monitoring migration created the tables of alerts, notifications, health, traffic and reports at once.
  migrations: { '004_monitoring_alerts_notifications_traffic_reports': { up: monitoringMigration } },
  events: { emits: [], consumes: [] },
  create(d: Pick<HubContext, 'db' | 'clock' | 'logger' | 'config'> & RetentionTargets) {
    const policy = {
      sampleDays: d.config.sampleRetentionDays,
      rollupDays: d.config.rollupRetentionDays,
      eventDays: d.config.eventRetentionDays,
    };
    const retention = () => applyRetention({ ...d, policy });
    return {
      api: { retention },
      parts: {
        jobs: [
          { name: 'monitoring.retention', everyMs: 3_600_000, run: retention },
          // PostgreSQL: the day partitions of the time-series tables, made a week ahead.
          {
            name: 'storage.time-partitions',
            everyMs: 3_600_000,
            run: () => ensureTimePartitions(d.db, d.clock.now().getTime()),
          },
        ],
      },
    };
  },
});
