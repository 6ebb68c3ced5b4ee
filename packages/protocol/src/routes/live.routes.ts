import { Type } from '@sinclair/typebox';
import { defineRoute } from './define-route.js';

export const PresenceTrendQuery = Type.Object({ hours: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 * 14 })) });

const live = { tag: 'live', role: 'viewer' } as const;

/** Live fleet updates and dashboard aggregates. */
export const LIVE_ROUTES = {
  // Server-sent events: `hello`, then `presence`, `audit`, `rollout` and `alerts` as they happen.
  stream: defineRoute({
    ...live,
    id: 'live.stream',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/events/stream',
    description: 'Live fleet updates as text/event-stream',
  }),
  summary: defineRoute({ ...live, id: 'live.summary', scope: 'fleet', method: 'GET', path: '/api/v1/fleet/summary' }),
  // Per `site` tag: presence, devices judged critical and open alerts; and firmware per model.
  sites: defineRoute({ ...live, id: 'live.sites', scope: 'fleet', method: 'GET', path: '/api/v1/fleet/sites' }),
  // Counted over the caller's devices: a group-scoped reader's trend is its scope's.
  presenceTrend: defineRoute({
    ...live,
    id: 'live.presenceTrend',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/fleet/presence-trend',
    query: PresenceTrendQuery,
  }),
};
