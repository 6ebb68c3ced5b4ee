import { GEOFENCES_ROUTES as G } from '@outpost/protocol';
import type { Geofence, NewGeofenceBody, PatchGeofenceBody } from '@outpost/protocol';
import type { RouteCaller } from './call-route.js';

/** Geofences: circles and polygons on a group or one device (operator writes, viewer reads). */
export function geofencesApi(r: RouteCaller) {
  return {
    geofences: {
      /** The fences inside the caller's scope; optionally those of one group or one device. */
      list: (query: { group?: string; deviceId?: string } = {}) => r<{ items: Geofence[] }>(G.list, { query }),
      get: (id: string) => r<Geofence>(G.get, { params: { id } }),
      create: (body: NewGeofenceBody) => r<Geofence>(G.create, { body }),
      /** A changed shape forgets which side each device was on: the next fix records it again. */
      update: (id: string, body: PatchGeofenceBody) => r<Geofence>(G.update, { params: { id }, body }),
      delete: (id: string) => r<void>(G.delete, { params: { id } }),
    },
  };
}
