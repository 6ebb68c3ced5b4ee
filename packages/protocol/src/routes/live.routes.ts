import { defineRoute } from './define-route.js';

/** live: method, path and role; the request schemas still live in the hub's routes. */
export const LIVE_ROUTES = {
  getEventsStream: defineRoute({
    id: 'live.getEventsStream',
    method: 'GET',
    path: '/api/v1/events/stream',
    role: 'viewer',
    tag: 'live',
  }),
  getFleetSummary: defineRoute({
    id: 'live.getFleetSummary',
    method: 'GET',
    path: '/api/v1/fleet/summary',
    role: 'viewer',
    tag: 'live',
  }),
  getFleetPresenceTrend: defineRoute({
    id: 'live.getFleetPresenceTrend',
    method: 'GET',
    path: '/api/v1/fleet/presence-trend',
    role: 'viewer',
    tag: 'live',
  }),
};
