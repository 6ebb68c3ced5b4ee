import { defineRoute } from './define-route.js';

/** alerts: method, path and role; the request schemas still live in the hub's routes. */
export const ALERTS_ROUTES = {
  getAlerts: defineRoute({
    id: 'alerts.getAlerts',
    method: 'GET',
    path: '/api/v1/alerts',
    role: 'viewer',
    tag: 'alerts',
  }),
  getAlertsSummary: defineRoute({
    id: 'alerts.getAlertsSummary',
    method: 'GET',
    path: '/api/v1/alerts/summary',
    role: 'viewer',
    tag: 'alerts',
  }),
  postAlertsEvaluate: defineRoute({
    id: 'alerts.postAlertsEvaluate',
    method: 'POST',
    path: '/api/v1/alerts/evaluate',
    role: 'operator',
    tag: 'alerts',
  }),
  getAlertsById: defineRoute({
    id: 'alerts.getAlertsById',
    method: 'GET',
    path: '/api/v1/alerts/:id',
    role: 'viewer',
    tag: 'alerts',
  }),
  postAlertsByIdAck: defineRoute({
    id: 'alerts.postAlertsByIdAck',
    method: 'POST',
    path: '/api/v1/alerts/:id/ack',
    role: 'operator',
    tag: 'alerts',
  }),
  postAlertsByIdResolve: defineRoute({
    id: 'alerts.postAlertsByIdResolve',
    method: 'POST',
    path: '/api/v1/alerts/:id/resolve',
    role: 'operator',
    tag: 'alerts',
  }),
  getAlertRuleTypes: defineRoute({
    id: 'alerts.getAlertRuleTypes',
    method: 'GET',
    path: '/api/v1/alert-rule-types',
    role: 'viewer',
    tag: 'alerts',
  }),
  getAlertRules: defineRoute({
    id: 'alerts.getAlertRules',
    method: 'GET',
    path: '/api/v1/alert-rules',
    role: 'viewer',
    tag: 'alerts',
  }),
  postAlertRules: defineRoute({
    id: 'alerts.postAlertRules',
    method: 'POST',
    path: '/api/v1/alert-rules',
    role: 'operator',
    tag: 'alerts',
  }),
  getAlertRulesById: defineRoute({
    id: 'alerts.getAlertRulesById',
    method: 'GET',
    path: '/api/v1/alert-rules/:id',
    role: 'viewer',
    tag: 'alerts',
  }),
  patchAlertRulesById: defineRoute({
    id: 'alerts.patchAlertRulesById',
    method: 'PATCH',
    path: '/api/v1/alert-rules/:id',
    role: 'operator',
    tag: 'alerts',
  }),
  deleteAlertRulesById: defineRoute({
    id: 'alerts.deleteAlertRulesById',
    method: 'DELETE',
    path: '/api/v1/alert-rules/:id',
    role: 'operator',
    tag: 'alerts',
  }),
};
