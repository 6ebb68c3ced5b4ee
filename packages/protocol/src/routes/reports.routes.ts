import { Type } from '@sinclair/typebox';
import { defineRoute } from './define-route.js';
import { FilterText, IdParam, literals } from './common.schemas.js';

export const ReportContentParams = Type.Object({
  id: Type.String({ maxLength: 64 }),
  format: literals(['html', 'csv', 'json']),
});
const ReportScope = Type.Object(
  { group: Type.Optional(Type.String({ maxLength: 600 })), filter: Type.Optional(FilterText) },
  { additionalProperties: false },
);
const requestFields = {
  kind: literals(['fleet', 'device']),
  scope: Type.Optional(ReportScope),
  deviceId: Type.Optional(Type.String({ maxLength: 64 })),
  periodHours: Type.Optional(Type.Number()),
  formats: Type.Optional(Type.Array(Type.String({ maxLength: 8 }), { maxItems: 3 })),
  channels: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 16 })),
};
export const RunReportBody = Type.Object(requestFields, { additionalProperties: false });
const scheduleFields = {
  ...requestFields,
  name: Type.String({ minLength: 1, maxLength: 128 }),
  cron: Type.String({ minLength: 1, maxLength: 128 }),
  timezone: Type.Optional(Type.String({ maxLength: 64 })),
  enabled: Type.Optional(Type.Boolean()),
};
export const NewReportScheduleBody = Type.Object(scheduleFields, { additionalProperties: false });
export const PatchReportScheduleBody = Type.Object(
  {
    ...scheduleFields,
    kind: Type.Optional(scheduleFields.kind),
    name: Type.Optional(scheduleFields.name),
    cron: Type.Optional(scheduleFields.cron),
  },
  { additionalProperties: false, minProperties: 1 },
);
export const ReportRunsQuery = Type.Object({
  schedule: Type.Optional(Type.String({ maxLength: 64 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
});

const tag = 'reports';
const read = { tag, role: 'viewer' } as const;
const write = { tag, role: 'operator' } as const;
const byId = { params: IdParam } as const;

/** Fleet and device reports, run now or on a schedule, and their documents. */
export const REPORTS_ROUTES = {
  // Held to the caller's group scope: a scoped caller's fleet report covers a group inside its scope
  // (its only group when it names none) and is generated over that group; a device report needs a
  // device inside it. A run or schedule keeps what it covers, and one outside the scope is `404`.
  runNow: defineRoute({
    ...write,
    id: 'reports.runNow',
    scope: 'fleet',
    method: 'POST',
    path: '/api/v1/reports/runs',
    body: RunReportBody,
  }),
  runs: defineRoute({
    ...read,
    id: 'reports.runs',
    scope: 'fleet',
    alsoFor: ['auditor'],
    method: 'GET',
    path: '/api/v1/reports/runs',
    query: ReportRunsQuery,
  }),
  run: defineRoute({
    ...read,
    ...byId,
    id: 'reports.run',
    scope: 'fleet',
    alsoFor: ['auditor'],
    method: 'GET',
    path: '/api/v1/reports/runs/:id',
  }),
  /** The report document: HTML, CSV or JSON. */
  content: defineRoute({
    ...read,
    id: 'reports.content',
    scope: 'fleet',
    alsoFor: ['auditor'],
    method: 'GET',
    path: '/api/v1/reports/runs/:id/:format',
    params: ReportContentParams,
  }),
  schedules: defineRoute({
    ...read,
    id: 'reports.schedules',
    scope: 'fleet',
    alsoFor: ['auditor'],
    method: 'GET',
    path: '/api/v1/reports/schedules',
  }),
  createSchedule: defineRoute({
    ...write,
    id: 'reports.createSchedule',
    scope: 'fleet',
    method: 'POST',
    path: '/api/v1/reports/schedules',
    body: NewReportScheduleBody,
  }),
  schedule: defineRoute({
    ...read,
    ...byId,
    id: 'reports.schedule',
    scope: 'fleet',
    alsoFor: ['auditor'],
    method: 'GET',
    path: '/api/v1/reports/schedules/:id',
  }),
  updateSchedule: defineRoute({
    ...write,
    ...byId,
    id: 'reports.updateSchedule',
    scope: 'fleet',
    method: 'PATCH',
    path: '/api/v1/reports/schedules/:id',
    body: PatchReportScheduleBody,
  }),
  deleteSchedule: defineRoute({
    ...write,
    ...byId,
    id: 'reports.deleteSchedule',
    scope: 'fleet',
    method: 'DELETE',
    path: '/api/v1/reports/schedules/:id',
  }),
};
