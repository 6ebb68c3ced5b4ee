import type { FastifyInstance } from 'fastify';
import type { createDomains } from './domains.js';
import { registerAuthRoutes } from './users/auth.routes.js';
import { registerAuditRoutes } from './audit/audit.routes.js';
import { registerEnrollmentRoutes } from './enrollment/enrollment.routes.js';
import { registerDeviceRoutes } from './devices/devices.routes.js';
import { registerGroupRoutes } from './groups/groups.routes.js';
import { registerCommandRoutes } from './commands/commands.routes.js';
import { registerGuardRoutes } from './guard/guard.routes.js';
import { registerMfaRoutes } from './users/mfa.routes.js';
import { registerAccessRoutes } from './access/access.routes.js';
import { registerRelayRoutes } from './access/relay.routes.js';
import { registerLiveRoutes } from './live/live.routes.js';
import { registerViewRoutes } from './views/views.routes.js';

export function registerApiRoutes(app: FastifyInstance, d: ReturnType<typeof createDomains>, secureCookie: boolean) {
  registerAuthRoutes(app, d.users, secureCookie);
  registerAuditRoutes(app, d.audit);
  registerEnrollmentRoutes(app, d.enrollment);
  registerDeviceRoutes(app, d.devices);
  registerGroupRoutes(app, d.groups);
  registerViewRoutes(app, d.views);
  registerCommandRoutes(app, d.commands);
  registerGuardRoutes(app, d.guard);
  registerMfaRoutes(app, d.mfa);
  registerAccessRoutes(app, d.access, d.accessPolicies);
  registerRelayRoutes(app, d.access.relay, { admitDevice: d.admitDevice, onRefused: d.onDeviceRefused });
  d.configs.registerRoutes(app);
  d.updates.registerRoutes(app);
  registerLiveRoutes(app, d.live, d.users, d.clock);
  d.monitoring.registerRoutes(app);
}
