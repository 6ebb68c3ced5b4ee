import { Type } from '@sinclair/typebox';
import { defineRoute } from './define-route.js';
import { FilterText, IdParam } from './common.schemas.js';

/** The most devices one `map.points` answer carries; beyond it the answer says `truncated`. */
export const MAX_MAP_POINTS = 200_000;
/** The longest range one `map.deviceLocations` call may ask for. */
export const MAX_LOCATION_RANGE_DAYS = 31;
/** The most points one `map.deviceLocations` answer carries (the oldest first; `truncated` beyond). */
export const MAX_LOCATION_POINTS = 10_000;

export const MapPointsQuery = Type.Object({
  filter: Type.Optional(FilterText),
  /** Adds each device's health verdict (a column of its own). */
  health: Type.Optional(Type.Boolean()),
});

// ISO 8601 times; the hub parses them and answers validation_failed for one it cannot read.
const IsoTime = Type.String({ minLength: 1, maxLength: 40 });
export const DeviceLocationsQuery = Type.Object({ from: IsoTime, to: Type.Optional(IsoTime) });

/**
 * An XYZ raster tile template (`https://tiles.example/{z}/{x}/{y}.png`) drawn under the map, or
 * null for the built-in offline basemap; the console then loads images from that host only.
 */
export const MapSettingsBody = Type.Object(
  {
    tileUrl: Type.Union([
      Type.String({ minLength: 1, maxLength: 512, pattern: '^https?://[^\\s/?#]+/\\S*$' }),
      Type.Null(),
    ]),
  },
  { additionalProperties: false },
);

const tag = 'map';

/** The fleet on a map: located devices, each device's track, and the map's tile source. */
export const MAP_ROUTES = {
  points: defineRoute({
    tag,
    id: 'map.points',
    role: 'viewer',
    alsoFor: ['technician'],
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/map/points',
    summary: 'Every located device the filter selects, in columns',
    query: MapPointsQuery,
  }),
  deviceLocations: defineRoute({
    tag,
    id: 'map.deviceLocations',
    role: 'viewer',
    alsoFor: ['technician'],
    scope: 'device',
    method: 'GET',
    path: '/api/v1/devices/:id/locations',
    summary: "A device's stored positions between two times",
    params: IdParam,
    query: DeviceLocationsQuery,
  }),
  settings: defineRoute({
    tag,
    id: 'map.settings',
    role: 'viewer',
    alsoFor: ['technician'],
    scope: 'global',
    method: 'GET',
    path: '/api/v1/map/settings',
  }),
  putSettings: defineRoute({
    tag,
    id: 'map.putSettings',
    role: 'admin',
    scope: 'global',
    method: 'PUT',
    path: '/api/v1/map/settings',
    body: MapSettingsBody,
  }),
};
