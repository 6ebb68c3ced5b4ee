import type { FastifyInstance } from 'fastify';
import { Counter, Histogram } from 'prom-client';
import type { HubConfig } from '../../config/config.js';
import type { HubMetrics } from '../../http/metrics.js';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import type { Scheduler } from '../../platform/scheduler.js';
import type { Db } from '../../storage/database.js';
import type { AuditLog } from '../audit/index.js';
import type { DeviceSelector } from '../devices/index.js';
import type { GatewayHooks } from '../devices/index.js';
import { createAlertDataStore } from '../alerts/alert-data.store.js';
import { createAlertEngine, type FlapDamping } from '../alerts/alert-engine.js';
import { createAlertTimersStore } from '../alerts/alert-timers.store.js';
import { createAlertsService } from '../alerts/alerts.service.js';
import { createAlertsStore } from '../alerts/alerts.store.js';
import { withAlertChangeNotices, type AlertsChangeListener } from '../alerts/alert-change-notices.js';
import { registerAlertRoutes } from '../alerts/alerts.routes.js';
import { BUILT_IN_RULE_TYPES } from '../alerts/rule-types/index.js';
import { createHealthService } from '../health/health.service.js';
import { createHealthStore } from '../health/health.store.js';
import { rollupHealth } from '../health/health-rollup.js';
import { registerHealthRoutes } from '../health/health.routes.js';
import { createChannelsStore } from '../notifications/channels.store.js';
import { openSecret } from '../notifications/channel-secret.js';
import { createDeliveryWorker } from '../notifications/delivery.worker.js';
import { createNotificationsService } from '../notifications/notifications.service.js';
import { createOutboxStore } from '../notifications/outbox.store.js';
import { registerNotificationRoutes } from '../notifications/notifications.routes.js';
import { createMqttIntegrationsStore } from '../notifications/mqtt-integrations.store.js';
import { createMqttIntegrations, type IntegrationDeps } from '../notifications/mqtt-integrations.service.js';
import { registerMqttIntegrationRoutes } from '../notifications/mqtt-integrations.routes.js';
import { createReportData } from '../reports/report-data.js';
import { createReportsService } from '../reports/reports.service.js';
import { createReportsStore } from '../reports/reports.store.js';
import { registerReportRoutes } from '../reports/reports.routes.js';
import { createTrafficService } from '../traffic/traffic.service.js';
import { createTrafficStore } from '../traffic/traffic.store.js';
import { registerTrafficRoutes } from '../traffic/traffic.routes.js';
import { createFleetSnapshotStore } from '../devices/index.js';
import { applyRetention } from './retention.js';

export interface MonitoringDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  metrics: HubMetrics;
  config: HubConfig;
  kek: Buffer;
  scheduler: Scheduler;
  audit: AuditLog;
  selector: DeviceSelector;
  hooks: GatewayHooks;
  /** Publishes on a hub-only topic of the broker (the integrators' alert topic). */
  publishTopic(topic: string, payload: string, qos: 0 | 1): Promise<void>;
  httpUrl(): string;
  mqttUrl(): string;
  /** The CA, for integrators' MQTT client certificates. */
  ca: IntegrationDeps['ca'];
  deviceExists(id: string): Promise<boolean>;
  disconnect(clientId: string): void;
  flap?: FlapDamping;
  /** Told that open alerts changed (fired, resolved, acknowledged), after the change is stored. */
  onAlertsChange?: AlertsChangeListener;
}

// Composing digests and starting deliveries is a cheap query when idle; this bounds the added latency.
const NOTIFY_TICK_MS = 250;

/** Alerts, notifications, health models, traffic baselines, reports and retention, wired together. */
export function createMonitoringDomain(d: MonitoringDeps) {
  const { db, clock, logger } = d;
  const fleet = createFleetSnapshotStore(db);
  const attempts = new Counter({ name: 'outpost_notification_attempts_total', help: 'Notification delivery attempts', labelNames: ['kind', 'outcome'], registers: [d.metrics.registry] });
  const evalSeconds = new Histogram({ name: 'outpost_alert_evaluation_seconds', help: 'Time to evaluate every alert rule', buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [d.metrics.registry] });

  const channels = createChannelsStore(db);
  const outbox = createOutboxStore(db);
  const worker = createDeliveryWorker({
    outbox,
    channel: (id) => channels.get(id),
    secretOf: (c) => openSecret(d.kek, c),
    publishTopic: d.publishTopic,
    clock,
    logger,
    onAttempt: (kind, outcome) => attempts.inc({ kind, outcome }),
  });
  const notifications = createNotificationsService({ channels, outbox, worker, kek: d.kek, audit: d.audit, clock, logger });
  const integrations = createMqttIntegrations({ store: createMqttIntegrationsStore(db), ca: d.ca, audit: d.audit, clock, mqttUrl: d.mqttUrl, deviceExists: d.deviceExists, disconnect: d.disconnect });

  const healthStore = createHealthStore(db);
  const health = createHealthService({ store: healthStore, fleet, selector: d.selector, audit: d.audit, clock, heartbeatFactor: d.config.heartbeatFactor });
  const trafficStore = createTrafficStore(db);
  const traffic = createTrafficService({ store: trafficStore, clock, logger, learningS: d.config.trafficLearningS, flushMs: 200 });
  d.hooks.onTopic('flows', traffic.onFlows);

  const deviceUrl = (id: string) => `${d.httpUrl()}/devices/${encodeURIComponent(id)}`;
  const plainAlertsStore = createAlertsStore(db, outbox.addIntents);
  const alertsStore = d.onAlertsChange ? withAlertChangeNotices(plainAlertsStore, d.onAlertsChange) : plainAlertsStore;
  const types = new Map(BUILT_IN_RULE_TYPES.map((t) => [t.type, t]));
  const engine = createAlertEngine({
    store: alertsStore,
    fleet,
    selector: d.selector,
    data: createAlertDataStore(db),
    traffic: traffic.reader,
    healthOf: health.verdicts,
    types,
    enabledChannels: notifications.enabledChannelIds,
    deviceUrl,
    clock,
    logger,
    flap: d.flap,
    // `for` durations and flap history go on across a restart.
    timers: createAlertTimersStore(db),
  });
  const alerts = createAlertsService({ store: alertsStore, engine, types, selector: d.selector, missingChannels: notifications.missingChannels, audit: d.audit, clock, deviceUrl });

  const reportsStore = createReportsStore(db);
  const data = createReportData({ fleet, selector: d.selector, reports: reportsStore, alerts: alertsStore, traffic: trafficStore, verdicts: health.verdicts, hourly: (ids, from, to) => healthStore.hourly(ids, from, to) });
  const reports = createReportsService({ store: reportsStore, data, notifications, selector: d.selector, audit: d.audit, clock, logger });

  d.scheduler.every('alerts.evaluate', d.config.alertEvalMs, async () => evalSeconds.observe((await engine.evaluate()).ms / 1000));
  d.scheduler.every('notifications.tick', NOTIFY_TICK_MS, () => notifications.tick());
  d.scheduler.every('reports.due', 1000, () => reports.runDue());
  d.scheduler.every('monitoring.rollup', 300_000, () => rollupHealth({ store: healthStore, clock, logger, lookbackHours: Math.ceil(d.config.sampleRetentionDays * 24) }));
  const retention = () =>
    applyRetention({ health: healthStore, traffic: trafficStore, outbox, reports: reportsStore, clock, logger, policy: { sampleDays: d.config.sampleRetentionDays, rollupDays: d.config.rollupRetentionDays } });
  d.scheduler.every('monitoring.retention', 3_600_000, retention);

  return {
    alerts,
    notifications,
    /** Broker admission and subscription rules for integrators' alert subscribers. */
    integrations,
    health,
    traffic,
    reports,
    retention,
    rollup: () => rollupHealth({ store: healthStore, clock, logger, lookbackHours: Math.ceil(d.config.sampleRetentionDays * 24) }),
    registerRoutes(app: FastifyInstance) {
      registerAlertRoutes(app, alerts);
      registerNotificationRoutes(app, notifications);
      registerMqttIntegrationRoutes(app, integrations);
      registerHealthRoutes(app, health);
      registerTrafficRoutes(app, traffic, d.selector, clock);
      registerReportRoutes(app, reports);
    },
  };
}

export type MonitoringDomain = ReturnType<typeof createMonitoringDomain>;
