import { defineModule } from '../../platform/module.js';
import type { Principal } from '../users/index.js';
import { stepUpCheck, type StepUp } from '../../platform/step-up.js';
import type { AuditLog } from '../audit/index.js';
import type { DataLatestIndex } from '../devices/index.js';
import type { HubContext } from '../hub-context.js';
import { registerStreamsRoutes } from './streams.routes.js';
import { startDataPush } from './streams.push.js';
import { createWebhookPush, type DataPushOutbox } from './data-push.webhook.js';
import { dataSubscriptionsTable } from './data-subscriptions.migration.js';
import { registerDataSubscriptionRoutes } from './data-subscriptions.routes.js';
import { createDataSubscriptions } from './data-subscriptions.service.js';
import { createDataSubscriptionsStore } from './data-subscriptions.store.js';
import { applyRetention } from './streams.retention.js';
import { createStreamsIngest, type HubDeviceEvent } from './streams.service.js';
import { streamsTables } from './streams.migration.js';
import { createStreamsStore } from './streams.store.js';
import type { StreamsReader } from './streams.types.js';

const RETENTION_EVERY_MS = 3_600_000;
// Raw reads are bounded: a longer range is read from a roll-up tier.
const RAW_LIMIT_MAX = 100_000;

/**
 * Process data: values of device data points, their latest state, raw history and 1 min / 1 h / 1 day
 * roll-ups; pushed on MQTT and, per data subscription, to webhook channels.
 */
export const streamsModule = defineModule({
  name: 'streams',
  migrations: { '024_streams': streamsTables, '033_data_subscriptions': dataSubscriptionsTable },
  events: { emits: [], consumes: [] },
  create(
    d: Pick<HubContext, 'db' | 'clock' | 'logger' | 'metrics' | 'config' | 'bus'> & {
      recordDeviceEvent(deviceId: string, e: HubDeviceEvent): Promise<void>;
      deviceExists(id: string): Promise<boolean>;
      latestIndex: DataLatestIndex;
      audit: AuditLog;
      stepUp: StepUp<Principal>;
      /** The notifications outbox that carries data subscriptions' deliveries, and its channels' kinds. */
      outbox: DataPushOutbox & { channelKind(id: string): Promise<string | null> };
      /** The ids of `ids` a device filter selects (null = every device); checks a filter. */
      devicesMatching(filter: string | null, ids: readonly string[]): Promise<string[]>;
      validateFilter(filter: string): Promise<void>;
    },
  ) {
    const store = createStreamsStore(d.db);
    const ingest = createStreamsIngest({
      store,
      clock: d.clock,
      logger: d.logger,
      metrics: d.metrics,
      recordDeviceEvent: d.recordDeviceEvent,
      maxPointsPerDevice: d.config.streamsMaxPointsPerDevice,
      latestIndex: d.latestIndex,
    });
    const c = d.config;
    const retention = {
      rawDays: c.streamsRawRetentionDays,
      tierDays: { '1m': c.streams1mRetentionDays, '1h': c.streams1hRetentionDays, '1d': c.streams1dRetentionDays },
    };
    const reader: StreamsReader = {
      definitions: (deviceId) => store.definitions(deviceId),
      latest: async (deviceId) => (await store.points(deviceId)).flatMap((p) => p.latest ?? []),
      raw: (q) => store.raw({ ...q, limit: Math.min(q.limit ?? RAW_LIMIT_MAX, RAW_LIMIT_MAX) }),
      rollups: (q) => store.rollups(q),
      onValues: ingest.onValues,
    };
    const streams = {
      ...reader,
      points: store.points,
      point: store.point,
      latestOfPoint: store.latestOfPoint,
      firstLastOf: store.firstLastOf,
      setWritesEnabled: store.setWritesEnabled,
      retention: () => applyRetention(store, d.clock, retention),
    };
    // Integrators' MQTT clients get each filed batch on outpost/v1/data/{deviceId}.
    const stopPush = startDataPush({
      reader,
      publish: d.bus.publishHubTopic && ((t, p, o) => d.bus.publishHubTopic!(t, p, o)),
      logger: d.logger,
    });
    const subscriptionsStore = createDataSubscriptionsStore(d.db);
    const webhookPush = createWebhookPush({
      reader,
      subscriptions: subscriptionsStore,
      outbox: d.outbox,
      devicesMatching: d.devicesMatching,
      audit: d.audit,
      clock: d.clock,
      logger: d.logger,
      metrics: d.metrics,
    });
    const subscriptions = createDataSubscriptions({
      store: subscriptionsStore,
      channelKind: (id) => d.outbox.channelKind(id),
      validateFilter: d.validateFilter,
      audit: d.audit,
      clock: d.clock,
      changed: () => webhookPush.reload(),
    });
    return {
      api: { streams, dataPush: webhookPush },
      parts: {
        routes(app) {
          registerStreamsRoutes(app, {
            store,
            reader,
            clock: d.clock,
            audit: d.audit,
            stepUp: stepUpCheck(d.stepUp),
            deviceExists: d.deviceExists,
          });
          registerDataSubscriptionRoutes(app, subscriptions);
        },
        topics: { data: ingest.onData },
        stop() {
          stopPush();
          webhookPush.stop();
        },
        jobs: [{ name: 'streams.retention', everyMs: RETENTION_EVERY_MS, run: streams.retention }],
      },
    };
  },
});
