import type { Geofence } from '@outpost/protocol';
import type { MapShape } from './overlays.js';

/** A fence as the map draws it: a circle by its centre and radius, a polygon by its ring. */
export function shapeOfFence(f: Geofence): MapShape {
  return f.shape.kind === 'circle'
    ? { kind: 'circle', lat: f.shape.center.lat, lon: f.shape.center.lon, radiusM: f.shape.radiusM, label: f.name }
    : { kind: 'polygon', points: f.shape.ring.map(([lat, lon]) => [lat, lon] as [number, number]), label: f.name };
}
