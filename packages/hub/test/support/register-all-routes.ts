import type { FastifyInstance } from 'fastify';
import { registerAuthRoutes } from '../../src/domains/users/auth.routes.js';
import { registerMfaRoutes } from '../../src/domains/users/mfa.routes.js';
import { registerSsoRoutes } from '../../src/domains/users/sso/sso.routes.js';
import { registerAuditRoutes } from '../../src/domains/audit/audit.routes.js';
import { registerEnrollmentRoutes } from '../../src/domains/enrollment/enrollment.routes.js';
import { registerDeviceRoutes } from '../../src/domains/devices/devices.routes.js';
import { registerGroupRoutes } from '../../src/domains/groups/groups.routes.js';
import { registerViewRoutes } from '../../src/domains/views/views.routes.js';
import { registerCommandRoutes } from '../../src/domains/commands/commands.routes.js';
import { registerGuardRoutes } from '../../src/domains/guard/guard.routes.js';
import { registerAccessRoutes } from '../../src/domains/access/access.routes.js';
import { registerRelayRoutes } from '../../src/domains/access/relay.routes.js';
import { registerLiveRoutes } from '../../src/domains/live/live.routes.js';
import { registerTemplateRoutes } from '../../src/domains/configs/templates.routes.js';
import { registerDeviceConfigRoutes } from '../../src/domains/configs/device-config.routes.js';
import { registerComplianceRoutes } from '../../src/domains/configs/compliance/compliance.routes.js';
import { registerArtifactRoutes } from '../../src/domains/updates/artifacts/artifacts.routes.js';
import { registerRolloutRoutes } from '../../src/domains/updates/rollouts/rollouts.routes.js';
import { registerAlertRoutes } from '../../src/domains/alerts/alerts.routes.js';
import { registerNotificationRoutes } from '../../src/domains/notifications/notifications.routes.js';
import { registerMqttIntegrationRoutes } from '../../src/domains/notifications/mqtt-integrations.routes.js';
import { registerHealthRoutes } from '../../src/domains/health/health.routes.js';
import { registerTrafficRoutes } from '../../src/domains/traffic/traffic.routes.js';
import { registerStreamsRoutes } from '../../src/domains/streams/streams.routes.js';
import { registerDataSubscriptionRoutes } from '../../src/domains/streams/data-subscriptions.routes.js';
import { registerCellularRoutes } from '../../src/domains/cellular/cellular.routes.js';
import { registerGeofenceRoutes } from '../../src/domains/geofences/geofences.routes.js';
import { registerLocationRoutes } from '../../src/domains/location/location.routes.js';
import { registerReportRoutes } from '../../src/domains/reports/reports.routes.js';
import { registerSiemRoutes } from '../../src/domains/siem/siem.routes.js';
import { registerPkiRoutes } from '../../src/domains/pki/pki.routes.js';
import { registerFilesRoutes } from '../../src/domains/files/files.routes.js';
import { registerDeviceLinkRoutes } from '../../src/domains/files/device-link.routes.js';
import { registerAutomationRoutes } from '../../src/domains/automations/automations.routes.js';
import { registerDiagnosticsRoutes } from '../../src/domains/diagnostics/diagnostics.routes.js';
import { registerBrokerRoutes } from '../../src/domains/brokers/brokers.routes.js';

/** Stands for any service: every property gives the stub again, every call gives nothing. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const stub: any = new Proxy(() => undefined, {
  get: (_t, key) => (key === 'then' ? undefined : stub),
  apply: () => undefined,
});

/**
 * Registers every domain's API routes with stand-in services, so a test can list
 * what the hub serves without starting it (the same calls as the hub's route wiring).
 */
export function registerAllRoutes(app: FastifyInstance): void {
  registerAuthRoutes(app, stub, true, stub);
  registerAuditRoutes(app, stub, stub);
  registerEnrollmentRoutes(app, stub, stub);
  registerDeviceRoutes(app, stub, stub);
  registerGroupRoutes(app, stub, stub);
  registerViewRoutes(app, stub);
  registerCommandRoutes(app, stub);
  registerGuardRoutes(app, stub, stub);
  registerMfaRoutes(app, stub);
  registerSsoRoutes(app, stub, true);
  registerAccessRoutes(app, stub, stub);
  registerRelayRoutes(app, stub, stub, stub);
  registerTemplateRoutes(app, stub);
  registerDeviceConfigRoutes(app, stub);
  registerComplianceRoutes(app, stub, stub, stub);
  registerArtifactRoutes(app, stub, stub, stub, 1024);
  registerRolloutRoutes(app, stub, stub);
  registerLiveRoutes(app, stub, stub, stub, stub);
  registerAlertRoutes(app, stub);
  registerNotificationRoutes(app, stub);
  registerMqttIntegrationRoutes(app, stub);
  registerHealthRoutes(app, stub);
  registerTrafficRoutes(app, stub, stub, stub);
  registerStreamsRoutes(app, stub);
  registerDataSubscriptionRoutes(app, stub);
  registerCellularRoutes(app, stub, stub, stub);
  registerGeofenceRoutes(app, stub);
  registerLocationRoutes(app, stub);
  registerReportRoutes(app, stub);
  registerSiemRoutes(app, stub);
  registerPkiRoutes(app, stub, stub);
  registerFilesRoutes(app, stub, stub, stub, 1024);
  registerDeviceLinkRoutes(app, stub, stub, { ca: { certPem: '' }, clock: stub, maxFileBytes: 1024 });
  registerAutomationRoutes(app, stub, stub, stub);
  registerDiagnosticsRoutes(app, stub, stub, stub);
  registerBrokerRoutes(app, stub);
}
