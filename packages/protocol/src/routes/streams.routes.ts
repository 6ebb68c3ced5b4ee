import { Type } from '@sinclair/typebox';
import { DATA_POINT_PATTERN } from '../data-messages.js';
import { defineRoute } from './define-route.js';
import { literals } from './common.schemas.js';

export const DATA_INTERVALS = ['raw', '1m', '1h', '1d'] as const;
export const DATA_AGGREGATES = ['mean', 'min', 'max', 'first', 'last', 'count'] as const;

export const DataPointParams = Type.Object({
  id: Type.String({ maxLength: 64 }),
  point: Type.String({ pattern: DATA_POINT_PATTERN }),
});

/** A point's history: the range [from, to) as ISO 8601 times; the interval picked by range when absent. */
export const DataHistoryQuery = Type.Object({
  from: Type.String({ minLength: 10, maxLength: 40 }),
  to: Type.String({ minLength: 10, maxLength: 40 }),
  interval: Type.Optional(literals(DATA_INTERVALS)),
  /** The roll-up field given as `value` (mean when absent). */
  aggregate: Type.Optional(literals(DATA_AGGREGATES)),
  /** Raw values at most (newest dropped past it); 10,000 when absent. */
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
  format: Type.Optional(literals(['json', 'csv'])),
});

export const DataWritesBody = Type.Object(
  {
    enabled: Type.Boolean(),
    /** The second factor, when the caller's sign-in is not fresh enough for a dangerous action. */
    otp: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })),
  },
  { additionalProperties: false },
);

const tag = 'data';

/** Process data of a device: its points with latest value, quality and age; history; the hub's write switch. */
export const STREAMS_ROUTES = {
  points: defineRoute({
    tag,
    id: 'data.points',
    role: 'viewer',
    alsoFor: ['technician'],
    scope: 'device',
    method: 'GET',
    path: '/api/v1/devices/:id/data/points',
    params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
  }),
  /** JSON, or CSV with `format=csv`. */
  history: defineRoute({
    tag,
    id: 'data.history',
    role: 'viewer',
    alsoFor: ['technician'],
    scope: 'device',
    method: 'GET',
    path: '/api/v1/devices/:id/data/points/:point/history',
    params: DataPointParams,
    query: DataHistoryQuery,
  }),
  setWrites: defineRoute({
    tag,
    id: 'data.setWrites',
    role: 'admin',
    scope: 'device',
    method: 'PUT',
    path: '/api/v1/devices/:id/data/points/:point/writes',
    params: DataPointParams,
    body: DataWritesBody,
  }),
};
