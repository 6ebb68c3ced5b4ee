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

/** Point names or globs: the point alphabet plus `*` and `?`. */
const POINT_GLOB = '^[a-z*?][a-z0-9_.*?-]{0,63}$';

export const NewDataSubscriptionBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 128 }),
    channelId: Type.String({ minLength: 1, maxLength: 64 }),
    group: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    filter: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
    points: Type.Array(Type.String({ pattern: POINT_GLOB }), { minItems: 1, maxItems: 100 }),
    maxBatch: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    maxDelayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 600_000 })),
    maxBacklog: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    enabled: Type.Optional(Type.Boolean()),
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
  // Data subscriptions send process values off the hub: only admins create or delete them. A
  // scoped reader sees those whose devices lie inside its scope.
  subscriptions: defineRoute({
    tag,
    id: 'data.subscriptions',
    role: 'viewer',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/data/subscriptions',
  }),
  createSubscription: defineRoute({
    tag,
    id: 'data.createSubscription',
    role: 'admin',
    scope: 'fleet',
    method: 'POST',
    path: '/api/v1/data/subscriptions',
    body: NewDataSubscriptionBody,
  }),
  deleteSubscription: defineRoute({
    tag,
    id: 'data.deleteSubscription',
    role: 'admin',
    scope: 'fleet',
    method: 'DELETE',
    path: '/api/v1/data/subscriptions/:id',
    params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
  }),
};
