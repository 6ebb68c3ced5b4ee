import { defineRoute } from './define-route.js';

/** reports: method, path and role; the request schemas still live in the hub's routes. */
export const REPORTS_ROUTES = {
  postReportsRuns: defineRoute({
    id: 'reports.postReportsRuns',
    method: 'POST',
    path: '/api/v1/reports/runs',
    role: 'operator',
    tag: 'reports',
  }),
  getReportsRuns: defineRoute({
    id: 'reports.getReportsRuns',
    method: 'GET',
    path: '/api/v1/reports/runs',
    role: 'viewer',
    tag: 'reports',
  }),
  getReportsRunsById: defineRoute({
    id: 'reports.getReportsRunsById',
    method: 'GET',
    path: '/api/v1/reports/runs/:id',
    role: 'viewer',
    tag: 'reports',
  }),
  getReportsRunsByIdByFormat: defineRoute({
    id: 'reports.getReportsRunsByIdByFormat',
    method: 'GET',
    path: '/api/v1/reports/runs/:id/:format',
    role: 'viewer',
    tag: 'reports',
  }),
  getReportsSchedules: defineRoute({
    id: 'reports.getReportsSchedules',
    method: 'GET',
    path: '/api/v1/reports/schedules',
    role: 'viewer',
    tag: 'reports',
  }),
  postReportsSchedules: defineRoute({
    id: 'reports.postReportsSchedules',
    method: 'POST',
    path: '/api/v1/reports/schedules',
    role: 'operator',
    tag: 'reports',
  }),
  getReportsSchedulesById: defineRoute({
    id: 'reports.getReportsSchedulesById',
    method: 'GET',
    path: '/api/v1/reports/schedules/:id',
    role: 'viewer',
    tag: 'reports',
  }),
  patchReportsSchedulesById: defineRoute({
    id: 'reports.patchReportsSchedulesById',
    method: 'PATCH',
    path: '/api/v1/reports/schedules/:id',
    role: 'operator',
    tag: 'reports',
  }),
  deleteReportsSchedulesById: defineRoute({
    id: 'reports.deleteReportsSchedulesById',
    method: 'DELETE',
    path: '/api/v1/reports/schedules/:id',
    role: 'operator',
    tag: 'reports',
  }),
};
