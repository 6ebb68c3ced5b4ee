import { defineRoute } from './define-route.js';

/** audit: method, path and role; the request schemas still live in the hub's routes. */
export const AUDIT_ROUTES = {
  getAudit: defineRoute({ id: 'audit.getAudit', method: 'GET', path: '/api/v1/audit', role: 'viewer', tag: 'audit' }),
  getAuditVerify: defineRoute({
    id: 'audit.getAuditVerify',
    method: 'GET',
    path: '/api/v1/audit/verify',
    role: 'viewer',
    tag: 'audit',
  }),
};
