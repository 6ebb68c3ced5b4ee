import { defineModule } from '../../platform/module.js';
import type { AuditLog } from '../audit/index.js';
import type { DeviceDirectory, DeviceScopes, DeviceSelector } from '../devices/index.js';
import type { HubContext } from '../hub-context.js';
import { createSecretBox } from './config-secrets.js';
import { up as configsMigration, reorderDeviceState } from './configs.migration.js';
import { createConfigsStore } from './configs.store.js';
import { createDesiredStore, type DesiredStoreDevices } from './desired.store.js';
import { createDesiredService } from './desired.service.js';
import { createTemplatesService } from './templates.service.js';
import { createDeviceConfigService } from './device-config.service.js';
import { createDigestKeys } from './settings-values.js';
import { createModelSchemas } from './model-schemas.js';
import { registerTemplateRoutes } from './templates.routes.js';
import { registerDeviceConfigRoutes } from './device-config.routes.js';
import { createComplianceStore } from './compliance/compliance.store.js';
import { complianceScopesMigration } from './compliance/compliance-scopes.migration.js';
import { createComplianceEngine } from './compliance/compliance.engine.js';
import { createComplianceService } from './compliance/compliance.service.js';
import { createComplianceReport } from './compliance/compliance.report.js';
import { registerComplianceRoutes } from './compliance/compliance.routes.js';

/** Templates, desired state delivery and compliance. */
export const configsModule = defineModule({
  name: 'configs',
  migrations: {
    '003_configs_templates_compliance': { up: configsMigration },
    '024_compliance_scope_history': { up: complianceScopesMigration },
    '032_configs_state_documents_last': reorderDeviceState,
  },
  events: { emits: [], consumes: ['membershipChanged'] },
  create(
    d: Pick<HubContext, 'db' | 'clock' | 'logger' | 'bus' | 'kek' | 'config' | 'events'> & {
      devices: DeviceDirectory;
      /** Models, names and filtered ids of devices, for targets and compliance. */
      facts: DesiredStoreDevices;
      selector: DeviceSelector;
      /** The devices of a group scope, for the compliance history kept per scope. */
      scopes: Pick<DeviceScopes, 'of'>;
      audit: AuditLog;
    },
  ) {
    const box = createSecretBox(d.kek);
    const digestKey = createDigestKeys(d.kek);
    const configs = createConfigsStore(d.db);
    const desiredStore = createDesiredStore(d.db, d.facts);
    const store = createComplianceStore(d.db);
    const schemas = createModelSchemas({ store: configs, logger: d.logger });
    const desired = createDesiredService({
      configs,
      store: desiredStore,
      selector: d.selector,
      bus: d.bus,
      box,
      digestKey,
      clock: d.clock,
      logger: d.logger,
    });
    const engine = createComplianceEngine({
      desired,
      desiredStore,
      configs,
      store,
      bus: d.bus,
      audit: d.audit,
      clock: d.clock,
      logger: d.logger,
    });
    const compliance = createComplianceService({
      engine,
      store,
      desiredStore,
      configs,
      selector: d.selector,
      scopes: d.scopes,
      audit: d.audit,
      clock: d.clock,
      logger: d.logger,
      digestKey,
      schemas,
    });
    const templates = createTemplatesService({
      store: configs,
      desiredStore,
      desired,
      selector: d.selector,
      box,
      audit: d.audit,
      clock: d.clock,
      changed: (ids) => compliance.refresh(ids),
      schemas,
      schemaChanged: (model) => void compliance.recheckModel(model),
    });
    const deviceConfig = createDeviceConfigService({
      configs,
      desiredStore,
      desired,
      compliance,
      devices: d.devices,
      box,
      audit: d.audit,
      clock: d.clock,
      schemas,
    });
    const report = createComplianceReport({ compliance, store, clock: d.clock });
    d.events.on('membershipChanged', ({ devices }) => compliance.refresh(devices === 'all' ? undefined : [...devices]));
    const deliver = (id: string) =>
      void compliance.onReady(id).catch((err: unknown) => d.logger.warn({ err, id }, 'desired state delivery failed'));
    const scanEveryMs = d.config.complianceScanIntervalS * 1000;
    return {
      api: { templates, deviceConfig, compliance, report },
      parts: {
        routes(app) {
          registerTemplateRoutes(app, templates);
          registerDeviceConfigRoutes(app, deviceConfig);
          registerComplianceRoutes(app, compliance, report, d.clock);
        },
        topics: { reported: (deviceId, payload) => compliance.onReported(deviceId, payload) },
        jobs: [{ name: 'compliance.scan', everyMs: scanEveryMs, run: () => compliance.scan('scheduled') }],
        onDeviceReady: deliver,
      },
    };
  },
});
