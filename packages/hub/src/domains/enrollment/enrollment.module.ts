import type { SignedRoot } from '@outpost/protocol';
import { defineModule } from '../../platform/module.js';
import type { AuditLog } from '../audit/index.js';
import type { DeviceRegistry } from '../devices/index.js';
import type { HubContext } from '../hub-context.js';
import type { CertificatesStore } from './certificates.store.js';
import { registerEnrollmentRoutes } from './enrollment.routes.js';
import { createEnrollmentService, type DeviceCertificateIssuer } from './enrollment.service.js';
import { createEnrollmentStore } from './enrollment.store.js';

/** Enrollment tokens and the device certificates issued with them. */
export const enrollmentModule = defineModule({
  name: 'enrollment',
  migrations: {},
  events: { emits: [], consumes: [] },
  create(
    d: Pick<HubContext, 'db' | 'clock' | 'config' | 'endpoints'> & {
      certificates: CertificatesStore;
      devices: DeviceRegistry;
      ca: DeviceCertificateIssuer;
      audit: AuditLog;
      staticGroupId(path: string): Promise<string | null>;
      guardKeyPem(): Promise<string>;
      updateRoot(): Promise<SignedRoot | undefined>;
    },
  ) {
    const enrollment = createEnrollmentService({
      tokens: createEnrollmentStore(d.db),
      certificates: d.certificates,
      devices: d.devices,
      ca: d.ca,
      audit: d.audit,
      clock: d.clock,
      certDays: d.config.deviceCertDays,
      staticGroupId: d.staticGroupId,
      endpoints: d.endpoints,
      guardKeyPem: d.guardKeyPem,
      updateRoot: d.updateRoot,
    });
    return { api: enrollment, parts: { routes: (app) => registerEnrollmentRoutes(app, enrollment) } };
  },
});
