import { defineModule } from '../../platform/module.js';
import type { Principal } from '../users/index.js';
import { stepUpCheck, type StepUp } from '../../platform/step-up.js';
import type { AuditLog } from '../audit/index.js';
import type { DeviceDirectory, DeviceFacts, DeviceSelector } from '../devices/index.js';
import type { DeviceAdmission } from '../enrollment/index.js';
import type { HubContext } from '../hub-context.js';
import { createRolloutsStore } from './rollouts/rollouts.store.js';
import { withRolloutChangeNotices } from './rollouts/rollout-change-notices.js';
import { createRolloutsService } from './rollouts/rollouts.service.js';
import { registerRolloutRoutes } from './rollouts/rollouts.routes.js';
import type { BlobStore } from '../../platform/blob-store.js';
import { createArtifactFiles } from './artifacts/artifact-files.js';
import { createArtifactsStore } from './artifacts/artifacts.store.js';
import { createArtifactsService } from './artifacts/artifacts.service.js';
import { registerArtifactRoutes } from './artifacts/artifacts.routes.js';
import { createUpdateTrust } from './artifacts/update-trust.service.js';
import { updatesMigration } from './updates.migration.js';

/** Artifacts, the update trust root and rollouts. */
export const updatesModule = defineModule({
  name: 'updates',
  migrations: { '008_updates_artifacts_rollouts': { up: updatesMigration } },
  events: { emits: ['rolloutChanged'], consumes: [] },
  create(
    d: Pick<HubContext, 'db' | 'clock' | 'logger' | 'bus' | 'kek' | 'config' | 'endpoints' | 'events'> & {
      devices: DeviceDirectory;
      /** Model, firmware and agent version of devices a rollout targets. */
      facts: Pick<DeviceFacts, 'versions'>;
      selector: DeviceSelector;
      isReady(deviceId: string): boolean;
      admission: DeviceAdmission;
      audit: AuditLog;
      /** MFA step-up for actions that send firmware (the platform's step-up port). */
      stepUp: StepUp<Principal>;
      /** Where artifact contents are kept, readable by every replica. */
      blobs: BlobStore;
    },
  ) {
    const artifactsStore = createArtifactsStore(d.db);
    const trust = createUpdateTrust({ store: artifactsStore, audit: d.audit, clock: d.clock, kek: d.kek });
    const plainRolloutsStore = createRolloutsStore(d.db, d.facts);
    const rolloutsStore = withRolloutChangeNotices(
      plainRolloutsStore,
      (rolloutId) => void d.events.emit('rolloutChanged', { rolloutId }),
    );
    const artifacts = createArtifactsService({
      store: artifactsStore,
      files: createArtifactFiles(d.blobs),
      trust,
      audit: d.audit,
      clock: d.clock,
      maxBytes: d.config.artifactMaxBytes,
      inUse: (id) => rolloutsStore.artifactInUse(id),
    });
    const rollouts = createRolloutsService({
      store: rolloutsStore,
      devices: d.devices,
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
    let stopped = false;
    const deliver = (id: string) =>
      void rollouts.onReady(id).catch((err: unknown) => {
        // A device announcing itself while the hub shuts down finds the database closed: not worth a log line.
        if (!stopped) d.logger.warn({ err, id }, 'update job delivery failed');
      });
    const download = {
      admitDevice: d.admission.admitDevice,
      onRefused: d.admission.onRefused,
      mayDownload: rollouts.mayDownload,
      onServed: (_id: string, bytes: number, start: number) => {
        served.requests++;
        served.bytes += bytes;
        if (start > 0) served.ranged++;
      },
    };
    return {
      api: { artifacts, trust, rollouts, served },
      parts: {
        routes(app) {
          registerArtifactRoutes(app, artifacts, trust, download, d.config.artifactMaxBytes);
          registerRolloutRoutes(app, rollouts, stepUpCheck(d.stepUp));
        },
        topics: { 'update/status': (id, payload) => rollouts.onStatus(id, payload) },
        jobs: [{ name: 'rollouts.tick', everyMs: d.config.rolloutTickMs, run: () => rollouts.tick() }],
        onDeviceReady: deliver,
        // Late device traffic is dropped quietly once the hub is stopping; the rollout step under
        // way and the job reports already taken are finished first, while the database is open.
        stop: async () => {
          stopped = true;
          await rollouts.stop();
        },
      },
    };
  },
});
