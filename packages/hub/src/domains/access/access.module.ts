import { join } from 'node:path';
import type { BlobStore } from '../../platform/blob-store.js';
import { defineModule } from '../../platform/module.js';
import type { AuditLog } from '../audit/index.js';
import type { DeviceDirectory, DeviceScope, DeviceSelector } from '../devices/index.js';
import type { DeviceAdmission, DeviceCertificateIssuer } from '../enrollment/index.js';
import type { HubContext } from '../hub-context.js';
import type { StepUp } from '../../platform/step-up.js';
import type { Principal } from '../users/index.js';
import { createAccessPoliciesService } from './access-policies.service.js';
import { createAccessPoliciesStore } from './access-policies.store.js';
import { createAccessSessionsStore } from './access-sessions.store.js';
import { accessMigration } from './access.migration.js';
import { accessRelayUrlMigration } from './access-relay-url.migration.js';
import { registerAccessRoutes } from './access.routes.js';
import { createAccessService } from './access.service.js';
import { registerRelayRoutes } from './relay.routes.js';

/** Remote access: policies, time-boxed sessions through the relay, and their recordings. */
export const accessModule = defineModule({
  name: 'access',
  // Created the MFA tables too, before they moved to the users domain; kept as shipped.
  migrations: {
    '005_access_mfa_sessions_policies': accessMigration,
    '037_access_sessions_relay_url': accessRelayUrlMigration,
  },
  events: { emits: [], consumes: [] },
  create(
    d: Pick<HubContext, 'db' | 'clock' | 'logger' | 'bus' | 'config' | 'endpoints'> & {
      devices: DeviceDirectory;
      selector: DeviceSelector;
      users: { scopeOf(p: Principal): Promise<DeviceScope> };
      stepUp: StepUp<Principal>;
      isReady(deviceId: string): boolean;
      admission: DeviceAdmission;
      /** The CA device certificates chain to (the relay's device leg checks them against it). */
      ca: Pick<DeviceCertificateIssuer, 'certPem'>;
      audit: AuditLog;
      /** Where finished recordings are kept, readable by every replica. */
      blobs: BlobStore;
    },
  ) {
    const policyStore = createAccessPoliciesStore(d.db);
    const policies = createAccessPoliciesService({
      store: policyStore,
      devices: d.devices,
      selector: d.selector,
      audit: d.audit,
      clock: d.clock,
    });
    const access = createAccessService({
      sessions: createAccessSessionsStore(d.db),
      policyStore,
      policies,
      devices: d.devices,
      selector: d.selector,
      users: d.users,
      stepUp: d.stepUp,
      bus: d.bus,
      isReady: d.isReady,
      relayUrl: () => d.config.relayUrl ?? d.endpoints().httpUrl.replace(/^http/, 'ws'),
      audit: d.audit,
      clock: d.clock,
      logger: d.logger,
      blobs: d.blobs,
      recordingSpoolDir: join(d.config.dataDir, 'recording-spool'),
    });
    return {
      api: { access, policies },
      parts: {
        routes(app) {
          registerAccessRoutes(app, access, policies);
          registerRelayRoutes(app, access.relay, d.admission, { ca: d.ca, clock: d.clock });
        },
        jobs: [
          { name: 'access.sweep', everyMs: 1000, run: () => access.sweep() },
          { name: 'access.retention', everyMs: 3_600_000, run: () => access.purgeRecordings() },
        ],
        // Live remote-access sessions end (and are recorded as ended) while the database is open.
        stop: () => access.relay.closeAll(),
      },
    };
  },
});
