import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { HubConfig } from '../../config/config.js';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import type { Scheduler } from '../../platform/scheduler.js';
import type { Db } from '../../storage/database.js';
import type { DeviceBus } from '../../mqtt/device-bus.js';
import type { AuditLog } from '../audit/index.js';
import type { DeviceDirectory } from '../devices/index.js';
import type { DeviceSelector } from '../devices/index.js';
import type { GatewayHooks } from '../devices/index.js';
import { createRolloutsStore } from './rollouts/rollouts.store.js';
import { withRolloutChangeNotices, type RolloutChangeListener } from './rollouts/rollout-change-notices.js';
import { createRolloutsService } from './rollouts/rollouts.service.js';
import { registerRolloutRoutes, type RolloutStepUp } from './rollouts/rollouts.routes.js';
import { createArtifactFiles } from './artifacts/artifact-files.js';
import { createArtifactsStore } from './artifacts/artifacts.store.js';
import { createArtifactsService } from './artifacts/artifacts.service.js';
import { registerArtifactRoutes } from './artifacts/artifacts.routes.js';
import { createUpdateTrust } from './artifacts/update-trust.service.js';

export interface UpdatesDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  bus: DeviceBus;
  kek: Buffer;
  scheduler: Scheduler;
  audit: AuditLog;
  devicesStore: DeviceDirectory;
  selector: DeviceSelector;
  hooks: GatewayHooks;
  isReady(deviceId: string): boolean;
  config: HubConfig;
  endpoints(): { mqttUrl: string; httpUrl: string };
  admitDevice(deviceId: string, serial: string): Promise<{ ok: true } | { ok: false; reason: string }>;
  onRefused(deviceId: string, reason: string, ip: string | null): void;
  /** MFA step-up for actions that send firmware (users/step-up.ts). */
  stepUp: RolloutStepUp;
  /** Told which rollout changed (its state, a wave, or a job's state), after the change is stored. */
  onRolloutChange?: RolloutChangeListener;
}

/** Artifacts, the update trust root and rollouts: stores, services, device traffic, background work. */
export function createUpdatesDomain(d: UpdatesDeps) {
  const artifactsStore = createArtifactsStore(d.db);
  const trust = createUpdateTrust({ store: artifactsStore, audit: d.audit, clock: d.clock, kek: d.kek });
  const plainRolloutsStore = createRolloutsStore(d.db);
  const rolloutsStore = d.onRolloutChange ? withRolloutChangeNotices(plainRolloutsStore, d.onRolloutChange) : plainRolloutsStore;
  const artifacts = createArtifactsService({
    store: artifactsStore,
    files: createArtifactFiles(join(d.config.dataDir, 'artifacts')),
    trust,
    audit: d.audit,
    clock: d.clock,
    maxBytes: d.config.artifactMaxBytes,
    inUse: (id) => rolloutsStore.artifactInUse(id),
  });
  const rollouts = createRolloutsService({
    store: rolloutsStore,
    devices: d.devicesStore,
    selector: d.selector,
    bus: d.bus,
    isReady: d.isReady,
    audit: d.audit,
    clock: d.clock,
    logger: d.logger,
    artifact: artifacts.get,
    rootChain: trust.chain,
    httpUrl: () => d.endpoints().httpUrl,
  });
  // Bytes served to devices, so a resumed download can be told from a restarted one.
  const served = { requests: 0, bytes: 0, ranged: 0 };
  d.hooks.onTopic('update/status', (id, payload) => rollouts.onStatus(id, payload));
  let stopped = false;
  d.hooks.onReady(
    (id) =>
      void rollouts.onReady(id).catch((err: unknown) => {
        // A device announcing itself while the hub shuts down finds the database closed: not worth a log line.
        if (!stopped) d.logger.warn({ err, id }, 'update job delivery failed');
      }),
  );
  d.scheduler.every('rollouts.tick', d.config.rolloutTickMs, () => rollouts.tick());

  return {
    artifacts,
    trust,
    rollouts,
    served,
    /** The hub is stopping: late device traffic is dropped quietly. */
    stop() {
      stopped = true;
    },
    registerRoutes(app: FastifyInstance) {
      registerArtifactRoutes(
        app,
        artifacts,
        trust,
        {
          admitDevice: d.admitDevice,
          onRefused: d.onRefused,
          mayDownload: rollouts.mayDownload,
          onServed: (_id, bytes, start) => {
            served.requests++;
            served.bytes += bytes;
            if (start > 0) served.ranged++;
          },
        },
        d.config.artifactMaxBytes,
      );
      registerRolloutRoutes(app, rollouts, d.stepUp);
    },
  };
}
