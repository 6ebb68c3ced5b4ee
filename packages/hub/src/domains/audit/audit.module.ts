import { defineModule } from '../../platform/module.js';
import type { HubContext } from '../hub-context.js';
import { createAuditLog } from './audit.log.js';
import { registerAuditRoutes } from './audit.routes.js';

/** The hash-chained audit log: every other module records through it. */
export const auditModule = defineModule({
  name: 'audit',
  migrations: {},
  events: { emits: [], consumes: [] },
  create(d: Pick<HubContext, 'db' | 'clock'>) {
    const log = createAuditLog(d);
    return { api: log, parts: { routes: (app) => registerAuditRoutes(app, log) } };
  },
});
