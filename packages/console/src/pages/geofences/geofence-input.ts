import type { GeofenceShape } from '@outpost/protocol';

// What the form's fields become: a circle from three numbers, a polygon from "lat lon" pairs
// separated by commas (closed for the user). The hub checks the rest and names what is wrong.

const number = (text: string, what: string): number | string => {
  const v = Number(text.trim());
  return text.trim() === '' || !Number.isFinite(v) ? `${what} must be a number` : v;
};

export function circleFrom(lat: string, lon: string, radiusM: string): GeofenceShape | string {
  const parts = [number(lat, 'latitude'), number(lon, 'longitude'), number(radiusM, 'radius')];
  const bad = parts.find((p) => typeof p === 'string');
  if (bad !== undefined) return bad as string;
  const [la, lo, r] = parts as number[];
  return { kind: 'circle', center: { lat: la, lon: lo }, radiusM: r };
}

export function polygonFrom(text: string): GeofenceShape | string {
  const ring: Array<[number, number]> = [];
  const points = text
    .split(/[,\n]/)
    .map((p) => p.trim())
    .filter(Boolean);
  for (const [i, p] of points.entries()) {
    const xy = p.split(/\s+/);
    if (xy.length !== 2) return `point ${i + 1} ("${p.slice(0, 40)}") is not "lat lon"`;
    const lat = number(xy[0], `latitude of point ${i + 1}`);
    const lon = number(xy[1], `longitude of point ${i + 1}`);
    if (typeof lat === 'string') return lat;
    if (typeof lon === 'string') return lon;
    ring.push([lat, lon]);
  }
  if (ring.length < 3) return 'a polygon needs at least 3 points';
  const [first, last] = [ring[0], ring[ring.length - 1]];
  if (first[0] !== last[0] || first[1] !== last[1]) ring.push([first[0], first[1]]);
  return { kind: 'polygon', ring };
}

/** One line about a shape, for the list. */
export function shapeText(s: GeofenceShape): string {
  if (s.kind === 'circle') return `circle, ${s.radiusM} m around ${s.center.lat}, ${s.center.lon}`;
  return `polygon of ${s.ring.length - 1} vertices`;
}
