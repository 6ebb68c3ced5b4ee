import { Type } from '@sinclair/typebox';
import { defineRoute } from './define-route.js';
import { FilterText, IdParam } from './common.schemas.js';

export const TrafficQuery = Type.Object({
  hours: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 24 * 400 })),
  filter: Type.Optional(FilterText),
});

const read = { tag: 'traffic', role: 'viewer', query: TrafficQuery } as const;

/** Cellular data use per device and across the fleet. */
export const TRAFFIC_ROUTES = {
  device: defineRoute({
    ...read,
    id: 'traffic.device',
    scope: 'device',
    method: 'GET',
    path: '/api/v1/traffic/devices/:id',
    params: IdParam,
  }),
  summary: defineRoute({
    ...read,
    id: 'traffic.summary',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/traffic/summary',
  }),
};
