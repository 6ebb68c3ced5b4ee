import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import type { Scheduler } from '../../platform/scheduler.js';
import type { Db } from '../../storage/database.js';
import type { DeviceBus } from '../../mqtt/device-bus.js';
import type { AuditLog } from '../audit/index.js';
import type { DeviceDirectory } from '../devices/index.js';
import type { DeviceSelector } from '../devices/index.js';
import type { GatewayHooks } from '../devices/index.js';
import { createSecretBox } from './config-secrets.js';
import { createConfigsStore } from './configs.store.js';
import { createDesiredStore } from './desired.store.js';
import { createDesiredService } from './desired.service.js';
import { createTemplatesService } from './templates.service.js';
import { createDeviceConfigService } from './device-config.service.js';
import { createDigestKeys } from './settings-values.js';
import { createModelSchemas } from './model-schemas.js';
import { registerTemplateRoutes } from './templates.routes.js';
import { registerDeviceConfigRoutes } from './device-config.routes.js';
import { createComplianceStore } from './compliance/compliance.store.js';
import { createComplianceEngine } from './compliance/compliance.engine.js';
import { createComplianceService } from './compliance/compliance.service.js';
import { createComplianceReport } from './compliance/compliance.report.js';
import { registerComplianceRoutes } from './compliance/compliance.routes.js';

export interface ConfigsDomainDeps {
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
  /** Seconds between full compliance scans. */
  scanIntervalS: number;
}

export type ConfigsDomain = ReturnType<typeof createConfigsDomain>;

/** Templates, desired state delivery and compliance, wired to device traffic and the scheduler. */
export function createConfigsDomain(d: ConfigsDomainDeps) {
  const box = createSecretBox(d.kek);
  const digestKey = createDigestKeys(d.kek);
  const configs = createConfigsStore(d.db);
  const desiredStore = createDesiredStore(d.db);
  const store = createComplianceStore(d.db);
  const schemas = createModelSchemas({ store: configs, logger: d.logger });
  const desired = createDesiredService({ configs, store: desiredStore, selector: d.selector, bus: d.bus, box, digestKey, clock: d.clock, logger: d.logger });
  const engine = createComplianceEngine({ desired, desiredStore, configs, store, bus: d.bus, audit: d.audit, clock: d.clock, logger: d.logger });
  const compliance = createComplianceService({ engine, store, desiredStore, configs, selector: d.selector, audit: d.audit, clock: d.clock, logger: d.logger, digestKey, schemas });
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
  const deviceConfig = createDeviceConfigService({ configs, desiredStore, desired, compliance, devices: d.devicesStore, box, audit: d.audit, clock: d.clock, schemas });
  const report = createComplianceReport({ compliance, store, clock: d.clock });

  d.hooks.onTopic('reported', (deviceId, payload) => compliance.onReported(deviceId, payload));
  d.hooks.onReady((id) => void compliance.onReady(id).catch((err: unknown) => d.logger.warn({ err, id }, 'desired state delivery failed')));
  d.scheduler.every('compliance.scan', d.scanIntervalS * 1000, () => compliance.scan('scheduled'));

  return {
    templates,
    deviceConfig,
    compliance,
    report,
    registerRoutes(app: FastifyInstance) {
      registerTemplateRoutes(app, templates);
      registerDeviceConfigRoutes(app, deviceConfig);
      registerComplianceRoutes(app, compliance, report, d.clock);
    },
  };
}
