// Web Mercator (EPSG:3857) in normalised world units: x and y run 0..1 across the whole world,
// x from 180° W to 180° E, y from 85.05° N (top) to 85.05° S (bottom). At zoom z the world is
// TILE·2^z pixels wide, as XYZ tile servers cut it.

export const TILE = 256;
/** The latitude where Web Mercator's square world ends: atan(sinh(π)). */
export const MAX_LAT = 85.0511287798066;
export const MIN_ZOOM = 0;
export const MAX_ZOOM = 18;
const EARTH_RADIUS_M = 6_378_137;

/** Where the map looks: the centre in world units, the zoom (fractional), the canvas size in CSS pixels. */
export interface Viewport {
  cx: number;
  cy: number;
  zoom: number;
  width: number;
  height: number;
}

export interface Bounds {
  west: number;
  south: number;
  east: number;
  north: number;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export function project(lat: number, lon: number): [number, number] {
  const phi = (clamp(lat, -MAX_LAT, MAX_LAT) * Math.PI) / 180;
  const x = (lon + 180) / 360;
  const y = 0.5 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / (2 * Math.PI);
  return [x, y];
}

export function unproject(x: number, y: number): [number, number] {
  const lon = x * 360 - 180;
  const lat = (Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) * 180) / Math.PI;
  return [lat, lon];
}

export const worldSize = (zoom: number) => TILE * 2 ** zoom;

export function toScreen(v: Viewport, x: number, y: number): [number, number] {
  const s = worldSize(v.zoom);
  return [(x - v.cx) * s + v.width / 2, (y - v.cy) * s + v.height / 2];
}

export function toWorld(v: Viewport, sx: number, sy: number): [number, number] {
  const s = worldSize(v.zoom);
  return [v.cx + (sx - v.width / 2) / s, v.cy + (sy - v.height / 2) / s];
}

/** Keeps the centre on the world (no panning off into nothing). */
function clampCentre(v: Viewport): Viewport {
  return { ...v, cx: clamp(v.cx, 0, 1), cy: clamp(v.cy, 0, 1) };
}

/** Moves the map by a drag of (dx, dy) screen pixels. */
export function panBy(v: Viewport, dx: number, dy: number): Viewport {
  const s = worldSize(v.zoom);
  return clampCentre({ ...v, cx: v.cx - dx / s, cy: v.cy - dy / s });
}

/** Zooms to `zoom` keeping the world point under screen point (sx, sy) where it is. */
export function zoomAround(v: Viewport, sx: number, sy: number, zoom: number): Viewport {
  const z = clamp(zoom, MIN_ZOOM, MAX_ZOOM);
  const [wx, wy] = toWorld(v, sx, sy);
  const s = worldSize(z);
  return clampCentre({ ...v, zoom: z, cx: wx - (sx - v.width / 2) / s, cy: wy - (sy - v.height / 2) / s });
}

/** The longitudes and latitudes the viewport shows, clamped to the world. */
export function boundsOf(v: Viewport): Bounds {
  const [x0, y0] = toWorld(v, 0, 0);
  const [x1, y1] = toWorld(v, v.width, v.height);
  const [north, west] = unproject(clamp(x0, 0, 1), clamp(y0, 0, 1));
  const [south, east] = unproject(clamp(x1, 0, 1), clamp(y1, 0, 1));
  return { west, south, east, north };
}

/** Ground metres one screen pixel spans at latitude `lat`. */
export function metersPerPixel(lat: number, zoom: number): number {
  return (2 * Math.PI * EARTH_RADIUS_M * Math.cos((lat * Math.PI) / 180)) / worldSize(zoom);
}

/** The viewport centred on (lat, lon) at `zoom`. */
export function viewAt(lat: number, lon: number, zoom: number, width: number, height: number): Viewport {
  const [cx, cy] = project(lat, lon);
  return { cx, cy, zoom: clamp(zoom, MIN_ZOOM, MAX_ZOOM), width, height };
}

/** The zoom and centre that show every point (lat, lon pairs) with `pad` pixels around. */
export function fitView(points: Array<[number, number]>, width: number, height: number, pad = 40): Viewport {
  if (points.length === 0) return viewAt(20, 0, 1, width, height);
  let x0 = 1;
  let y0 = 1;
  let x1 = 0;
  let y1 = 0;
  for (const [lat, lon] of points) {
    const [x, y] = project(lat, lon);
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  const span = Math.max((x1 - x0) / Math.max(1, width - 2 * pad), (y1 - y0) / Math.max(1, height - 2 * pad));
  const zoom = span > 0 ? Math.log2(1 / (span * TILE)) : 12;
  return { cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, zoom: clamp(Math.floor(zoom * 4) / 4, MIN_ZOOM, 14), width, height };
}
