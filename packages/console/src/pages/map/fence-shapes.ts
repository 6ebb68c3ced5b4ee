import type { Geofence } from '../../app/route-types.js';

/** A shape drawn over the basemap (a geofence): a circle in metres, or a polygon of [lat, lon] points. */
export type MapShape =
  | { kind: 'circle'; lat: number; lon: number; radiusM: number; label: string }
  | { kind: 'polygon'; points: Array<[number, number]>; label: string };

/** A fence as the map draws it: a circle by its centre and radius, a polygon by its ring. */
export function shapeOfFence(f: Geofence): MapShape {
  return f.shape.kind === 'circle'
    ? { kind: 'circle', lat: f.shape.center.lat, lon: f.shape.center.lon, radiusM: f.shape.radiusM, label: f.name }
    : { kind: 'polygon', points: f.shape.ring.map(([lat, lon]) => [lat, lon] as [number, number]), label: f.name };
}
