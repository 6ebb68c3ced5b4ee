import { Type, type Static } from '@sinclair/typebox';
import { defineRoute } from './define-route.js';
import { IdParam } from './common.schemas.js';

/** Vertices of a polygon fence at most (the closing point, equal to the first, not counted). */
export const GEOFENCE_MAX_VERTICES = 500;
/** Radius of a circle fence, metres. */
export const GEOFENCE_RADIUS_M = { min: 10, max: 1_000_000 } as const;

const Lat = Type.Number({ minimum: -90, maximum: 90 });
const Lon = Type.Number({ minimum: -180, maximum: 180 });

/** A fence's area: a circle (centre and radius) or a polygon given as a closed ring of [lat, lon] points. */
export const GeofenceShape = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('circle'),
      center: Type.Object({ lat: Lat, lon: Lon }, { additionalProperties: false }),
      radiusM: Type.Number({ minimum: GEOFENCE_RADIUS_M.min, maximum: GEOFENCE_RADIUS_M.max }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('polygon'),
      /** [lat, lon] pairs; the last equals the first (a closed ring). */
      ring: Type.Array(Type.Tuple([Lat, Lon]), { minItems: 4, maxItems: GEOFENCE_MAX_VERTICES + 1 }),
    },
    { additionalProperties: false },
  ),
]);
export type GeofenceShape = Static<typeof GeofenceShape>;

const NAME = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9 _.-]*$' });

export const NewGeofenceBody = Type.Object(
  {
    name: NAME,
    /** Exactly one of `group` (with the groups below it) or `deviceId`. */
    group: Type.Optional(Type.String({ minLength: 1, maxLength: 520 })),
    deviceId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    shape: GeofenceShape,
  },
  { additionalProperties: false },
);
export type NewGeofenceBody = Static<typeof NewGeofenceBody>;

export const PatchGeofenceBody = Type.Object(
  { name: Type.Optional(NAME), shape: Type.Optional(GeofenceShape) },
  { additionalProperties: false, minProperties: 1 },
);
export type PatchGeofenceBody = Static<typeof PatchGeofenceBody>;

export const GeofencesQuery = Type.Object({
  group: Type.Optional(Type.String({ maxLength: 520 })),
  deviceId: Type.Optional(Type.String({ maxLength: 64 })),
});

/** A fence as the API returns it. */
export interface Geofence {
  id: string;
  name: string;
  group: string | null;
  deviceId: string | null;
  shape: GeofenceShape;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

const tag = 'geofences';

/** Geofences: circles and polygons on a group (with its subgroups) or one device; crossings become events and alerts. */
export const GEOFENCES_ROUTES = {
  list: defineRoute({
    tag,
    id: 'geofences.list',
    role: 'viewer',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/geofences',
    query: GeofencesQuery,
  }),
  get: defineRoute({
    tag,
    id: 'geofences.get',
    role: 'viewer',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/geofences/:id',
    params: IdParam,
  }),
  create: defineRoute({
    tag,
    id: 'geofences.create',
    role: 'operator',
    scope: 'fleet',
    method: 'POST',
    path: '/api/v1/geofences',
    body: NewGeofenceBody,
  }),
  update: defineRoute({
    tag,
    id: 'geofences.update',
    role: 'operator',
    scope: 'fleet',
    method: 'PATCH',
    path: '/api/v1/geofences/:id',
    params: IdParam,
    body: PatchGeofenceBody,
  }),
  delete: defineRoute({
    tag,
    id: 'geofences.delete',
    role: 'operator',
    scope: 'fleet',
    method: 'DELETE',
    path: '/api/v1/geofences/:id',
    params: IdParam,
  }),
};
