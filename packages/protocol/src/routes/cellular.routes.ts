import { Type } from '@sinclair/typebox';
import { defineRoute } from './define-route.js';
import { IdParam, literals } from './common.schemas.js';

export const CellularPlanBody = Type.Object(
  {
    /** Bytes (received and sent) the plan includes per billing cycle. */
    limitBytes: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
    /** Day of the month (UTC) a cycle starts; 1–28 so every month has it. */
    cycleStartDay: Type.Integer({ minimum: 1, maximum: 28 }),
  },
  { additionalProperties: false },
);

const PlanFields = {
  limitBytes: CellularPlanBody.properties.limitBytes,
  cycleStartDay: CellularPlanBody.properties.cycleStartDay,
};
const GroupPath = Type.String({ minLength: 1, maxLength: 600 });

/** A group's default plan: for its devices and its subgroups' that have no plan of their own. */
export const CellularGroupPlanBody = Type.Object({ group: GroupPath, ...PlanFields }, { additionalProperties: false });

export const CellularSignalQuery = Type.Object(
  {
    /** ISO 8601; default: a day before `to`. */
    from: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    /** ISO 8601; default: now. */
    to: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  },
  { additionalProperties: false },
);

export const CellularUsageReportQuery = Type.Object(
  {
    format: Type.Optional(literals(['json', 'csv', 'html'])),
    /** Only devices in this static group or below it. */
    group: Type.Optional(GroupPath),
    /** A day (YYYY-MM-DD, UTC): each SIM is reported for its cycle that holds it. Default: today. */
    at: Type.Optional(Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' })),
  },
  { additionalProperties: false },
);

const tag = 'cellular';

/** Each device's modem, SIM, signal, position, data use per billing cycle and cellular changes. */
export const CELLULAR_ROUTES = {
  device: defineRoute({
    tag,
    id: 'cellular.device',
    role: 'viewer',
    alsoFor: ['technician'],
    scope: 'device',
    method: 'GET',
    path: '/api/v1/devices/:id/cellular',
    params: IdParam,
  }),
  setPlan: defineRoute({
    tag,
    id: 'cellular.setPlan',
    role: 'operator',
    scope: 'device',
    method: 'PUT',
    path: '/api/v1/devices/:id/cellular/plan',
    params: IdParam,
    body: CellularPlanBody,
  }),
  /** Signal readings of the serving cell over a range, averaged per bucket (at most 500 points). */
  signal: defineRoute({
    tag,
    id: 'cellular.signal',
    role: 'viewer',
    alsoFor: ['technician'],
    scope: 'device',
    method: 'GET',
    path: '/api/v1/devices/:id/cellular/signal',
    params: IdParam,
    query: CellularSignalQuery,
  }),
  // Group plans: a scoped caller sees those that bear on its groups and sets them only inside them.
  groupPlans: defineRoute({
    tag,
    id: 'cellular.groupPlans',
    role: 'viewer',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/cellular/group-plans',
  }),
  setGroupPlan: defineRoute({
    tag,
    id: 'cellular.setGroupPlan',
    role: 'operator',
    scope: 'fleet',
    method: 'PUT',
    path: '/api/v1/cellular/group-plans',
    body: CellularGroupPlanBody,
  }),
  deleteGroupPlan: defineRoute({
    tag,
    id: 'cellular.deleteGroupPlan',
    role: 'operator',
    scope: 'fleet',
    method: 'DELETE',
    path: '/api/v1/cellular/group-plans',
    query: Type.Object({ group: GroupPath }, { additionalProperties: false }),
  }),
  /** Data use per SIM in one cycle against its plan, with totals per carrier and group: JSON, CSV or HTML. */
  usageReport: defineRoute({
    tag,
    id: 'cellular.usageReport',
    role: 'viewer',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/cellular/usage-report',
    query: CellularUsageReportQuery,
  }),
};
