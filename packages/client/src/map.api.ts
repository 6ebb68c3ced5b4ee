import { MAP_ROUTES as M, type DeviceLocations, type MapPoints, type MapSettings } from '@outpost/protocol';
import type { RouteCaller } from './call-route.js';

/** The fleet on a map: located devices in columns, a device's track, the map's tile source. */
export function mapApi(r: RouteCaller) {
  return {
    map: {
      /** Every located device the filter selects inside the caller's scope (MapPoints: parallel columns). */
      points: (q: { filter?: string; health?: boolean } = {}) =>
        r<MapPoints>(M.points, { query: { filter: q.filter || undefined, health: q.health || undefined } }),
      /** A device's stored positions in [from, to) (ISO 8601; `to` defaults to now; at most 31 days). */
      locations: (id: string, q: { from: string; to?: string }) =>
        r<DeviceLocations>(M.deviceLocations, { params: { id }, query: q }),
      settings: () => r<MapSettings>(M.settings),
      /** Admin: an XYZ tile template drawn under the map, or null for the built-in offline basemap. */
      putSettings: (s: MapSettings) => r<MapSettings>(M.putSettings, { body: s }),
    },
  };
}
