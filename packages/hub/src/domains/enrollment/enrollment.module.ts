import type { SignedRoot } from '@outpost/protocol';
import { defineModule } from '../../platform/module.js';
import type { AuditLog } from '../audit/index.js';
import type { DeviceRegistry } from '../devices/index.js';
import type { HubContext } from '../hub-context.js';
import type { CertificatesStore } from './certificates.store.js';
import { certRenewalsMigration } from './cert-renewals.migration.js';
import { certIssuersMigration } from './cert-issuers.migration.js';
import type { CertRenewalsStore } from './cert-renewals.store.js';
import { createCertRenewalService } from './cert-renewal.service.js';
import { createCertStatusReader } from './cert-status.js';
import { registerEnrollmentRoutes } from './enrollment.routes.js';
import { createEnrollmentService, type DeviceCertificateIssuer } from './enrollment.service.js';
import { createEnrollmentStore } from './enrollment.store.js';
import { deviceCertLifetimeS } from '../../config/config.js';

/** Enrollment tokens and the device certificates issued with them, renewed by the devices. */
export const enrollmentModule = defineModule({
  name: 'enrollment',
  migrations: {
    '012_enrollment_cert_renewals': { up: certRenewalsMigration },
    '015_pki_certificate_issuers': { up: certIssuersMigration },
  },
  events: { emits: [], consumes: [] },
  create(
    d: Pick<HubContext, 'db' | 'clock' | 'config' | 'endpoints' | 'bus'> & {
      certificates: CertificatesStore;
      renewals: CertRenewalsStore;
      devices: DeviceRegistry;
      ca: DeviceCertificateIssuer;
      audit: AuditLog;
      staticGroupId(path: string): Promise<string | null>;
      guardKeyPem(): Promise<string>;
      updateRoot(): Promise<SignedRoot | undefined>;
    },
  ) {
    const lifetimeS = deviceCertLifetimeS(d.config);
    const enrollment = createEnrollmentService({
      tokens: createEnrollmentStore(d.db),
      certificates: d.certificates,
      renewals: d.renewals,
      devices: d.devices,
      ca: d.ca,
      audit: d.audit,
      clock: d.clock,
      certLifetimeS: lifetimeS,
      staticGroupId: d.staticGroupId,
      endpoints: d.endpoints,
      guardKeyPem: d.guardKeyPem,
      updateRoot: d.updateRoot,
    });
    const renewal = createCertRenewalService({ ...d, lifetimeS });
    const certificateStatus = createCertStatusReader({ ...d, deviceExists: (id) => d.devices.exists(id) });
    return {
      api: { ...enrollment, certificateStatus, renewals: d.renewals },
      parts: {
        routes: (app) => registerEnrollmentRoutes(app, enrollment, certificateStatus),
        topics: { 'cert/renew': (id, payload) => renewal.onRenewRequest(id, payload) },
      },
    };
  },
});
