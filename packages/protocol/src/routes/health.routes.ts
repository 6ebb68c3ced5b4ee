import { Type } from '@sinclair/typebox';
import { defineRoute } from './define-route.js';
import { FilterText, IdParam } from './common.schemas.js';

export const HealthModelParam = Type.Object({ model: Type.String({ minLength: 1, maxLength: 128 }) });
const HealthRule = Type.Record(Type.String({ maxLength: 32 }), Type.Unknown(), { maxProperties: 8 });
export const HealthRulesBody = Type.Object(
  { rules: Type.Array(HealthRule, { maxItems: 64 }) },
  { additionalProperties: false },
);
export const FleetHealthQuery = Type.Object({ filter: Type.Optional(FilterText) });
/** Up to 200 device ids, comma-separated: the devices of one page of a list. */
export const DevicesHealthQuery = Type.Object({
  ids: Type.String({ minLength: 1, maxLength: 13_000, pattern: '^[^,]+(,[^,]+)*$' }),
});
export const MAX_HEALTH_IDS = 200;

const tag = 'health';
const read = { tag, role: 'viewer' } as const;
const write = { tag, role: 'operator', params: HealthModelParam } as const;

/** Device health: fleet and per-device scores, and the per-model rules that compute them. */
export const HEALTH_ROUTES = {
  fleet: defineRoute({
    ...read,
    id: 'health.fleet',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/health/fleet',
    query: FleetHealthQuery,
  }),
  devices: defineRoute({
    ...read,
    id: 'health.devices',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/health/devices',
    query: DevicesHealthQuery,
  }),
  device: defineRoute({
    ...read,
    id: 'health.device',
    scope: 'device',
    method: 'GET',
    path: '/api/v1/health/devices/:id',
    params: IdParam,
  }),
  // The metrics a rule can name come along, so an editor can offer them.
  models: defineRoute({ ...read, id: 'health.models', scope: 'global', method: 'GET', path: '/api/v1/health/models' }),
  setModel: defineRoute({
    ...write,
    id: 'health.setModel',
    scope: 'global',
    method: 'PUT',
    path: '/api/v1/health/models/:model',
    body: HealthRulesBody,
  }),
  deleteModel: defineRoute({
    ...write,
    id: 'health.deleteModel',
    scope: 'global',
    method: 'DELETE',
    path: '/api/v1/health/models/:model',
  }),
};
