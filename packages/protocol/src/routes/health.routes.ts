import { defineRoute } from './define-route.js';

/** health: method, path and role; the request schemas still live in the hub's routes. */
export const HEALTH_ROUTES = {
  getHealthFleet: defineRoute({
    id: 'health.getHealthFleet',
    method: 'GET',
    path: '/api/v1/health/fleet',
    role: 'viewer',
    tag: 'health',
  }),
  getHealthDevicesById: defineRoute({
    id: 'health.getHealthDevicesById',
    method: 'GET',
    path: '/api/v1/health/devices/:id',
    role: 'viewer',
    tag: 'health',
  }),
  getHealthModels: defineRoute({
    id: 'health.getHealthModels',
    method: 'GET',
    path: '/api/v1/health/models',
    role: 'viewer',
    tag: 'health',
  }),
  putHealthModelsByModel: defineRoute({
    id: 'health.putHealthModelsByModel',
    method: 'PUT',
    path: '/api/v1/health/models/:model',
    role: 'operator',
    tag: 'health',
  }),
  deleteHealthModelsByModel: defineRoute({
    id: 'health.deleteHealthModelsByModel',
    method: 'DELETE',
    path: '/api/v1/health/models/:model',
    role: 'operator',
    tag: 'health',
  }),
};
