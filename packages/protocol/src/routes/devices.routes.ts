import { defineRoute } from './define-route.js';

/** devices: method, path and role; the request schemas still live in the hub's routes. */
export const DEVICES_ROUTES = {
  getDevices: defineRoute({
    id: 'devices.getDevices',
    method: 'GET',
    path: '/api/v1/devices',
    role: 'viewer',
    tag: 'devices',
  }),
  getDevicesById: defineRoute({
    id: 'devices.getDevicesById',
    method: 'GET',
    path: '/api/v1/devices/:id',
    role: 'viewer',
    tag: 'devices',
  }),
  patchDevicesById: defineRoute({
    id: 'devices.patchDevicesById',
    method: 'PATCH',
    path: '/api/v1/devices/:id',
    role: 'operator',
    tag: 'devices',
  }),
  postDevicesByIdTags: defineRoute({
    id: 'devices.postDevicesByIdTags',
    method: 'POST',
    path: '/api/v1/devices/:id/tags',
    role: 'operator',
    tag: 'devices',
  }),
  postDevicesTags: defineRoute({
    id: 'devices.postDevicesTags',
    method: 'POST',
    path: '/api/v1/devices/tags',
    role: 'operator',
    tag: 'devices',
  }),
  postDevicesByIdRevoke: defineRoute({
    id: 'devices.postDevicesByIdRevoke',
    method: 'POST',
    path: '/api/v1/devices/:id/revoke',
    role: 'admin',
    tag: 'devices',
  }),
  postDevicesByIdDecommission: defineRoute({
    id: 'devices.postDevicesByIdDecommission',
    method: 'POST',
    path: '/api/v1/devices/:id/decommission',
    role: 'admin',
    tag: 'devices',
  }),
  getDevicesByIdEvents: defineRoute({
    id: 'devices.getDevicesByIdEvents',
    method: 'GET',
    path: '/api/v1/devices/:id/events',
    role: 'viewer',
    tag: 'devices',
  }),
  getDevicesByIdAvailability: defineRoute({
    id: 'devices.getDevicesByIdAvailability',
    method: 'GET',
    path: '/api/v1/devices/:id/availability',
    role: 'viewer',
    tag: 'devices',
  }),
  getDevicesByIdHealth: defineRoute({
    id: 'devices.getDevicesByIdHealth',
    method: 'GET',
    path: '/api/v1/devices/:id/health',
    role: 'viewer',
    tag: 'devices',
  }),
  getDevicesByIdCertificates: defineRoute({
    id: 'devices.getDevicesByIdCertificates',
    method: 'GET',
    path: '/api/v1/devices/:id/certificates',
    role: 'viewer',
    tag: 'devices',
  }),
};
