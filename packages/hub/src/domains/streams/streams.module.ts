import { defineModule } from '../../platform/module.js';
import type { AuditLog } from '../audit/index.js';
import type { HubContext } from '../hub-context.js';
import { registerStreamsRoutes, type StreamsStepUp } from './streams.routes.js';
import { applyRetention } from './streams.retention.js';
import { createStreamsIngest, type HubDeviceEvent } from './streams.service.js';
import { streamsTables } from './streams.migration.js';
import { createStreamsStore } from './streams.store.js';
import type { StreamsReader } from './streams.types.js';

const RETENTION_EVERY_MS = 3_600_000;
// Raw reads are bounded: a longer range is read from a roll-up tier.
const RAW_LIMIT_MAX = 100_000;

/** Process data: values of device data points, their latest state, raw history and 1 min / 1 h / 1 day roll-ups. */
export const streamsModule = defineModule({
  name: 'streams',
  migrations: { '024_streams': streamsTables },
  events: { emits: [], consumes: [] },
  create(
    d: Pick<HubContext, 'db' | 'clock' | 'logger' | 'metrics' | 'config'> & {
      recordDeviceEvent(deviceId: string, e: HubDeviceEvent): Promise<void>;
      deviceExists(id: string): Promise<boolean>;
      audit: AuditLog;
      stepUp: StreamsStepUp;
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
      setWritesEnabled: store.setWritesEnabled,
      retention: () => applyRetention(store, d.clock, retention),
    };
    return {
      api: { streams },
      parts: {
        routes: (app) =>
          registerStreamsRoutes(app, {
            store,
            reader,
            clock: d.clock,
            audit: d.audit,
            stepUp: d.stepUp,
            deviceExists: d.deviceExists,
          }),
        topics: { data: ingest.onData },
        jobs: [{ name: 'streams.retention', everyMs: RETENTION_EVERY_MS, run: streams.retention }],
      },
    };
  },
});
