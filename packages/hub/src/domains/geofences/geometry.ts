import type { GeofenceShape } from '@outpost/protocol';
import { ValidationError } from '../../platform/errors.js';

// Geometry of fences on the sphere, small-area style. A circle is exact (haversine, the same
// Earth radius as the filter language's `location within`). A polygon's edges are straight lines
// on the latitude/longitude plane; near a point the plane is scaled by cos(latitude) so distances
// to the border come out in metres. A ring may cross the antimeridian (each edge takes the short
// way round); a ring around a pole or wider than 180° of longitude is refused when created.

export const EARTH_RADIUS_M = 6_371_008.8;
const M_PER_DEG = (Math.PI * EARTH_RADIUS_M) / 180;
const rad = (deg: number) => (deg * Math.PI) / 180;

export interface LatLon {
  lat: number;
  lon: number;
}

/** A fence's shape, checked and ready to measure points against. */
export type PreparedShape =
  | { kind: 'circle'; center: LatLon; radiusM: number }
  // lats[i], lons[i]: the vertices (ring not repeated), longitudes unwrapped from the first one.
  | { kind: 'polygon'; lats: number[]; lons: number[]; midLon: number };

/** Great-circle distance in metres. */
export function haversineM(a: LatLon, b: LatLon): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** A longitude difference brought into [-180, 180). */
export function wrapLon(d: number): number {
  return ((((d + 180) % 360) + 360) % 360) - 180;
}

function refuse(message: string, path: string): never {
  throw new ValidationError(message, { path });
}

/** Checks a shape beyond its schema and prepares it; a ValidationError names the part at fault. */
export function prepareShape(shape: GeofenceShape, at = '/shape'): PreparedShape {
  if (shape.kind === 'circle') return { kind: 'circle', center: { ...shape.center }, radiusM: shape.radiusM };
  const ring = shape.ring;
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (first[0] !== last[0] || first[1] !== last[1])
    refuse('a polygon ring must be closed: its last point repeats the first', `${at}/ring`);
  const pts = ring.slice(0, -1);
  if (pts.length < 3) refuse('a polygon needs at least 3 distinct vertices', `${at}/ring`);
  const lats = pts.map((p) => p[0]);
  const lons = [pts[0][1]];
  let winding = 0;
  for (let i = 1; i <= pts.length; i++) {
    const step = wrapLon(pts[i % pts.length][1] - pts[i - 1][1]);
    if (Math.abs(step) === 180)
      refuse('an edge spans exactly 180° of longitude: its way round is ambiguous', `${at}/ring/${i}`);
    winding += step;
    if (i < pts.length) lons.push(lons[i - 1] + step);
  }
  if (Math.abs(winding) > 1e-9) refuse('a polygon around a pole is not supported', `${at}/ring`);
  const west = Math.min(...lons);
  const east = Math.max(...lons);
  if (east - west > 180) refuse('a polygon may span at most 180° of longitude', `${at}/ring`);
  let area2 = 0;
  for (let i = 0; i < pts.length; i++) {
    const j = (i + 1) % pts.length;
    area2 += lons[i] * lats[j] - lons[j] * lats[i];
  }
  if (Math.abs(area2) < 1e-12) refuse('a polygon must enclose an area', `${at}/ring`);
  return { kind: 'polygon', lats, lons, midLon: (west + east) / 2 };
}

/**
 * How far `p` lies inside the fence, in metres: positive inside, negative outside, the distance to
 * the border either way.
 */
export function signedDistanceM(shape: PreparedShape, p: LatLon): number {
  if (shape.kind === 'circle') return shape.radiusM - haversineM(shape.center, p);
  // The copy of the ring (shifted by whole turns) nearest the point; x east and y north in metres.
  const shift = p.lon + wrapLon(shape.midLon - p.lon) - shape.midLon;
  const kx = Math.cos(rad(p.lat)) * M_PER_DEG;
  const n = shape.lats.length;
  const xs = shape.lons.map((lon) => (lon + shift - p.lon) * kx);
  const ys = shape.lats.map((lat) => (lat - p.lat) * M_PER_DEG);
  let inside = false;
  let nearest = Infinity;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const [xi, yi, xj, yj] = [xs[i], ys[i], xs[j], ys[j]];
    if (yi > 0 !== yj > 0 && 0 < ((xj - xi) * (0 - yi)) / (yj - yi) + xi) inside = !inside;
    nearest = Math.min(nearest, distanceToSegment(xi, yi, xj, yj));
  }
  return inside ? nearest : -nearest;
}

/** Distance from the origin to the segment (ax, ay)–(bx, by). */
function distanceToSegment(ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2));
  return Math.hypot(ax + t * dx, ay + t * dy);
}

export type Side = 'inside' | 'outside';

/** The band around the border a fix must clear to change sides: its accuracy, at least 25 m. */
export const MIN_HYSTERESIS_M = 25;
export function hysteresisM(accuracyM: number | null | undefined): number {
  return Math.max(accuracyM ?? 0, MIN_HYSTERESIS_M);
}

/**
 * The side after a fix `signedM` metres inside (negative: outside). Without a known side the fix
 * decides plainly; a known side changes only once the fix lies more than `bandM` across the border.
 */
export function nextSide(prev: Side | null, signedM: number, bandM: number): Side {
  if (prev === null) return signedM >= 0 ? 'inside' : 'outside';
  if (prev === 'outside' && signedM > bandM) return 'inside';
  if (prev === 'inside' && signedM < -bandM) return 'outside';
  return prev;
}
