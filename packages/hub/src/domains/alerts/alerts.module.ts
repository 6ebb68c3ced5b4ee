import { Histogram } from 'prom-client';
import { defineModule } from '../../platform/module.js';
import type { AuditLog } from '../audit/index.js';
import type { DeviceSelector, FleetSnapshotStore } from '../devices/index.js';
import type { HealthVerdict } from '../health/index.js';
import type { HubContext } from '../hub-context.js';
import type { NotificationsService } from '../notifications/index.js';
import type { DeviceSnapshot } from '../devices/index.js';
import { createAlertDataStore, type AlertDataSources } from './alert-data.store.js';
import { createAlertEngine } from './alert-engine.js';
import { withAlertChangeNotices } from './alert-change-notices.js';
import { alertTimersMigration } from './alert-timers.migration.js';
import { createAlertTimersStore } from './alert-timers.store.js';
import { registerAlertRoutes } from './alerts.routes.js';
import { createAlertsService } from './alerts.service.js';
import { createAlertsStore, type AlertsStore } from './alerts.store.js';
import { BUILT_IN_RULE_TYPES, type TrafficReader } from './rule-types/index.js';

/** Alert rules evaluated over the fleet, open alerts and their history; notifications go to the outbox. */
export const alertsModule = defineModule({
  name: 'alerts',
  migrations: { '010_alerts_timers': { up: alertTimersMigration } },
  events: { emits: ['alertsChanged'], consumes: [] },
  create(
    d: Pick<HubContext, 'db' | 'clock' | 'logger' | 'metrics' | 'config' | 'endpoints' | 'events'> & {
      fleet: FleetSnapshotStore;
      selector: DeviceSelector;
      traffic: TrafficReader;
      /** The read models of presence, events, compliance and rollouts the rule kinds watch. */
      data: AlertDataSources;
      healthOf(devices: DeviceSnapshot[]): Promise<Map<string, HealthVerdict>>;
      notifications: Pick<NotificationsService, 'enabledChannelIds' | 'missingChannels'>;
      /** Queues a notification intent for each channel of a fired or resolved alert. */
      addIntents: Parameters<typeof createAlertsStore>[1];
      audit: AuditLog;
    },
  ) {
    const evalSeconds = new Histogram({
      name: 'outpost_alert_evaluation_seconds',
      help: 'Time to evaluate every alert rule',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [d.metrics.registry],
    });
    const deviceUrl = (id: string) => `${d.endpoints().httpUrl}/devices/${encodeURIComponent(id)}`;
    const store: AlertsStore = withAlertChangeNotices(
      createAlertsStore(d.db, d.addIntents),
      () => void d.events.emit('alertsChanged', {}),
    );
    const types = new Map(BUILT_IN_RULE_TYPES.map((t) => [t.type, t]));
    const engine = createAlertEngine({
      store,
      fleet: d.fleet,
      selector: d.selector,
      data: createAlertDataStore(d.data),
      traffic: d.traffic,
      healthOf: d.healthOf,
      types,
      enabledChannels: d.notifications.enabledChannelIds,
      deviceUrl,
      clock: d.clock,
      logger: d.logger,
      // `for` durations and flap history go on across a restart.
      timers: createAlertTimersStore(d.db),
    });
    const alerts = createAlertsService({
      store,
      engine,
      types,
      selector: d.selector,
      missingChannels: d.notifications.missingChannels,
      audit: d.audit,
      clock: d.clock,
      deviceUrl,
    });
    const evaluate = async () => evalSeconds.observe((await engine.evaluate()).ms / 1000);
    return {
      api: { alerts, store },
      parts: {
        routes: (app) => registerAlertRoutes(app, alerts),
        jobs: [{ name: 'alerts.evaluate', everyMs: d.config.alertEvalMs, run: evaluate }],
      },
    };
  },
});
