import { defineRoute } from './define-route.js';

/** traffic: method, path and role; the request schemas still live in the hub's routes. */
export const TRAFFIC_ROUTES = {
  getTrafficDevicesById: defineRoute({
    id: 'traffic.getTrafficDevicesById',
    method: 'GET',
    path: '/api/v1/traffic/devices/:id',
    role: 'viewer',
    tag: 'traffic',
  }),
  getTrafficSummary: defineRoute({
    id: 'traffic.getTrafficSummary',
    method: 'GET',
    path: '/api/v1/traffic/summary',
    role: 'viewer',
    tag: 'traffic',
  }),
};
