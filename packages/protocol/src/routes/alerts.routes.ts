import { Type } from '@sinclair/typebox';
import { defineRoute } from './define-route.js';
import { FilterText, IdParam, literals } from './common.schemas.js';

const AlertScope = Type.Object(
  { group: Type.Optional(Type.String({ maxLength: 600 })), filter: Type.Optional(FilterText) },
  { additionalProperties: false },
);
// Types only: the hub's service checks meanings (known type and metric, durations, channels) and names the path.
const ruleFields = {
  name: Type.String({ minLength: 1, maxLength: 128 }),
  type: Type.String({ minLength: 1, maxLength: 64 }),
  severity: Type.Optional(Type.String({ maxLength: 16 })),
  scope: Type.Optional(AlertScope),
  params: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { maxProperties: 32 })),
  forS: Type.Optional(Type.Number()),
  clearForS: Type.Optional(Type.Number()),
  channels: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 16 })),
  enabled: Type.Optional(Type.Boolean()),
};
export const NewAlertRuleBody = Type.Object(ruleFields, { additionalProperties: false });
export const PatchAlertRuleBody = Type.Object(
  { ...ruleFields, name: Type.Optional(ruleFields.name), type: Type.Optional(ruleFields.type) },
  { additionalProperties: false, minProperties: 1 },
);
export const AlertNoteBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 1024 })) },
  { additionalProperties: false },
);
/** Many alerts at once (a selection on one page): each is handled as its own acknowledge or resolve. */
export const AlertBulkBody = Type.Object(
  {
    ids: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 500, uniqueItems: true }),
    note: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  { additionalProperties: false },
);
export const AlertTimelineQuery = Type.Object({
  /** How far back, in hours (one bucket an hour). */
  hours: Type.Optional(Type.Integer({ minimum: 1, maximum: 168 })),
});
export const AlertListQuery = Type.Object({
  state: Type.Optional(literals(['open', 'firing', 'acknowledged', 'resolved'])),
  device: Type.Optional(Type.String({ maxLength: 64 })),
  rule: Type.Optional(Type.String({ maxLength: 64 })),
  severity: Type.Optional(literals(['info', 'warning', 'critical'])),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  cursor: Type.Optional(Type.String({ maxLength: 512 })),
});

const tag = 'alerts';
const read = { tag, role: 'viewer' } as const;
const write = { tag, role: 'operator' } as const;
const byId = { params: IdParam } as const;

/** Alerts (list, acknowledge, resolve) and the rules that raise them. */
export const ALERTS_ROUTES = {
  list: defineRoute({
    ...read,
    id: 'alerts.list',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/alerts',
    query: AlertListQuery,
  }),
  summary: defineRoute({
    ...read,
    id: 'alerts.summary',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/alerts/summary',
  }),
  timeline: defineRoute({
    ...read,
    id: 'alerts.timeline',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/alerts/timeline',
    query: AlertTimelineQuery,
  }),
  acknowledgeMany: defineRoute({
    ...write,
    id: 'alerts.acknowledgeMany',
    scope: 'fleet',
    method: 'POST',
    path: '/api/v1/alerts/ack',
    body: AlertBulkBody,
  }),
  resolveMany: defineRoute({
    ...write,
    id: 'alerts.resolveMany',
    scope: 'fleet',
    method: 'POST',
    path: '/api/v1/alerts/resolve',
    body: AlertBulkBody,
  }),
  // Global and admin-only: it runs every rule of the hub at once (rules of every scope) and answers
  // hub-wide figures (rule names, timings, counts), so it cannot be cut to a group scope. A scoped
  // admin is refused it like any change to the whole hub; the engine evaluates every rule on its own
  // schedule anyway.
  evaluate: defineRoute({
    ...write,
    role: 'admin',
    id: 'alerts.evaluate',
    scope: 'global',
    method: 'POST',
    path: '/api/v1/alerts/evaluate',
  }),
  get: defineRoute({
    ...read,
    ...byId,
    id: 'alerts.get',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/alerts/:id',
  }),
  acknowledge: defineRoute({
    ...write,
    ...byId,
    id: 'alerts.acknowledge',
    scope: 'fleet',
    method: 'POST',
    path: '/api/v1/alerts/:id/ack',
    body: AlertNoteBody,
  }),
  resolve: defineRoute({
    ...write,
    ...byId,
    id: 'alerts.resolve',
    scope: 'fleet',
    method: 'POST',
    path: '/api/v1/alerts/:id/resolve',
    body: AlertNoteBody,
  }),
  ruleTypes: defineRoute({
    ...read,
    id: 'alerts.ruleTypes',
    scope: 'global',
    method: 'GET',
    path: '/api/v1/alert-rule-types',
  }),
  rules: defineRoute({ ...read, id: 'alerts.rules', scope: 'fleet', method: 'GET', path: '/api/v1/alert-rules' }),
  createRule: defineRoute({
    ...write,
    id: 'alerts.createRule',
    scope: 'fleet',
    method: 'POST',
    path: '/api/v1/alert-rules',
    body: NewAlertRuleBody,
  }),
  rule: defineRoute({
    ...read,
    ...byId,
    id: 'alerts.rule',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/alert-rules/:id',
  }),
  updateRule: defineRoute({
    ...write,
    ...byId,
    id: 'alerts.updateRule',
    scope: 'fleet',
    method: 'PATCH',
    path: '/api/v1/alert-rules/:id',
    body: PatchAlertRuleBody,
  }),
  deleteRule: defineRoute({
    ...write,
    ...byId,
    id: 'alerts.deleteRule',
    scope: 'fleet',
    method: 'DELETE',
    path: '/api/v1/alert-rules/:id',
  }),
};
