import { Counter } from 'prom-client';
import { defineModule } from '../../platform/module.js';
import type { AuditLog } from '../audit/index.js';
import type { HubContext } from '../hub-context.js';
import { openSecret } from './channel-secret.js';
import { createChannelsStore } from './channels.store.js';
import { createDeliveryWorker } from './delivery.worker.js';
import { messageDevicesMigration } from './message-devices.migration.js';
import { registerMqttIntegrationRoutes } from './mqtt-integrations.routes.js';
import { createMqttIntegrations, type IntegrationDeps } from './mqtt-integrations.service.js';
import { createMqttIntegrationsStore } from './mqtt-integrations.store.js';
import { registerNotificationRoutes } from './notifications.routes.js';
import { createNotificationsService } from './notifications.service.js';
import { createOutboxStore } from './outbox.store.js';

// Composing digests and starting deliveries is a cheap query when idle; this bounds the added latency.
const NOTIFY_TICK_MS = 250;

/** Notification channels (webhook, e-mail, MQTT), the outbox and its delivery, integrators' MQTT clients. */
export const notificationsModule = defineModule({
  name: 'notifications',
  migrations: { '024_notification_message_devices': { up: messageDevicesMigration } },
  events: { emits: [], consumes: [] },
  create(
    d: Pick<HubContext, 'db' | 'clock' | 'logger' | 'metrics' | 'kek' | 'bus' | 'endpoints'> & {
      audit: AuditLog;
      /** The CA, for integrators' MQTT client certificates. */
      ca: IntegrationDeps['ca'];
      deviceExists(id: string): Promise<boolean>;
    },
  ) {
    const attempts = new Counter({
      name: 'outpost_notification_attempts_total',
      help: 'Notification delivery attempts',
      labelNames: ['kind', 'outcome'],
      registers: [d.metrics.registry],
    });
    const channels = createChannelsStore(d.db);
    const outbox = createOutboxStore(d.db);
    const publishTopic = (topic: string, payload: string, qos: 0 | 1) =>
      d.bus.publishHubTopic
        ? d.bus.publishHubTopic(topic, payload, { qos })
        : Promise.reject(new Error('no broker for hub topics'));
    const worker = createDeliveryWorker({
      outbox,
      channel: (id) => channels.get(id),
      secretOf: (c) => openSecret(d.kek, c),
      publishTopic,
      clock: d.clock,
      logger: d.logger,
      onAttempt: (kind, outcome) => attempts.inc({ kind, outcome }),
    });
    const notifications = createNotificationsService({
      channels,
      outbox,
      worker,
      kek: d.kek,
      audit: d.audit,
      clock: d.clock,
      logger: d.logger,
    });
    const integrations = createMqttIntegrations({
      store: createMqttIntegrationsStore(d.db),
      ca: d.ca,
      audit: d.audit,
      clock: d.clock,
      mqttUrl: () => d.endpoints().mqttUrl,
      deviceExists: d.deviceExists,
      disconnect: (id) => d.bus.disconnect(id),
    });
    return {
      api: { notifications, outbox, integrations },
      parts: {
        routes(app) {
          registerNotificationRoutes(app, notifications);
          registerMqttIntegrationRoutes(app, integrations);
        },
        jobs: [{ name: 'notifications.tick', everyMs: NOTIFY_TICK_MS, run: () => notifications.tick() }],
      },
    };
  },
});
