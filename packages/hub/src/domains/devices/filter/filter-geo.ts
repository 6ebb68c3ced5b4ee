import { FilterFault } from './filter-fault.js';
import type { Token } from './filter-lexer.js';
import type { GeoArea } from './filter.types.js';

// The geographic predicates on a device's last fix:
//   location within 10 km of (52.52, 13.40)      (units m, km, mi)
//   location in bbox(south, west, north, east)   (west > east crosses the antimeridian)
// Distances are great-circle distances on a sphere of the mean Earth radius.

/** IUGG mean Earth radius, metres. */
export const EARTH_RADIUS_M = 6_371_008.8;
// Half the circumference: beyond it every point is inside; the haversine test holds up to here.
export const MAX_RADIUS_M = 20_000_000;
const UNITS: Readonly<Record<string, number>> = { m: 1, km: 1000, mi: 1609.344 };
const NUMBER = /^-?\d+(\.\d+)?$/;

export interface TokenReader {
  next(): Token;
  peek(): Token;
}

function fail(message: string, t: Token): never {
  throw FilterFault.syntax(`${message} at position ${t.position}`, t.position, t.length);
}

function number(r: TokenReader, what: string, min: number, max: number): number {
  const t = r.next();
  if (t.type !== 'word' || !NUMBER.test(t.text)) fail(`expected ${what} (a number)`, t);
  const v = Number(t.text);
  if (v < min || v > max) fail(`${what} must be between ${min} and ${max}, not ${t.text}`, t);
  return v;
}

function expect(r: TokenReader, type: Token['type'], shown: string): void {
  const t = r.next();
  if (t.type !== type) fail(`expected "${shown}"`, t);
}

function expectWord(r: TokenReader, word: string): void {
  const t = r.next();
  if (t.type !== 'word' || t.text.toLowerCase() !== word) fail(`expected "${word}"`, t);
}

/** After `location within`: `<number> <unit> of (<lat>, <lon>)`; a unit may stick to the number (`10km`). */
export function parseWithin(r: TokenReader): GeoArea {
  const t = r.next();
  const glued = /^(\d+(?:\.\d+)?)(m|km|mi)$/i.exec(t.text);
  let amount: number;
  let unit: string;
  if (t.type === 'word' && glued) [amount, unit] = [Number(glued[1]), glued[2].toLowerCase()];
  else {
    if (t.type !== 'word' || !NUMBER.test(t.text)) fail('expected a distance such as 10 km', t);
    amount = Number(t.text);
    const u = r.next();
    unit = u.text.toLowerCase();
    if (u.type !== 'word' || !(unit in UNITS)) fail('expected a unit (m, km or mi)', u);
  }
  const radiusM = amount * UNITS[unit];
  if (!(radiusM > 0) || radiusM > MAX_RADIUS_M) fail(`a distance must be above 0 and at most 20000 km`, t);
  expectWord(r, 'of');
  expect(r, '(', '(');
  const lat = number(r, 'a latitude', -90, 90);
  expect(r, ',', ',');
  const lon = number(r, 'a longitude', -180, 180);
  expect(r, ')', ')');
  return { shape: 'radius', lat, lon, radiusM };
}

/** After `location in bbox`: `(<south>, <west>, <north>, <east>)`. */
export function parseBbox(r: TokenReader): GeoArea {
  expect(r, '(', '(');
  const southAt = r.peek();
  const south = number(r, 'the south latitude', -90, 90);
  expect(r, ',', ',');
  const west = number(r, 'the west longitude', -180, 180);
  expect(r, ',', ',');
  const north = number(r, 'the north latitude', -90, 90);
  expect(r, ',', ',');
  const east = number(r, 'the east longitude', -180, 180);
  expect(r, ')', ')');
  if (south > north) fail('a box needs south <= north', southAt);
  return { shape: 'bbox', south, west, north, east };
}

const RAD = Math.PI / 180;

/** The haversine term of two points; the distance is at most r exactly when it is at most `haversineLimit(r)`. */
export function haversineTerm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const a = Math.sin(((lat2 - lat1) * RAD) / 2);
  const b = Math.sin(((lon2 - lon1) * RAD) / 2);
  return a * a + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * b * b;
}

export function haversineLimit(radiusM: number): number {
  const s = Math.sin(radiusM / EARTH_RADIUS_M / 2);
  return s * s;
}

/** Whether a point lies in the area, as the SQL decides it (the reference for tests and the simulator). */
export function inArea(area: GeoArea, lat: number, lon: number): boolean {
  if (area.shape === 'bbox') {
    if (lat < area.south || lat > area.north) return false;
    return area.west <= area.east ? lon >= area.west && lon <= area.east : lon >= area.west || lon <= area.east;
  }
  return haversineTerm(area.lat, area.lon, lat, lon) <= haversineLimit(area.radiusM);
}

/**
 * A box that holds every point within the radius (for the index): latitude ± r/R; longitude
 * ± asin(sin(r/R) / cos(lat)) unless the circle reaches a pole, then all longitudes.
 * `west > east` means it crosses the antimeridian; null longitudes mean no longitude bound.
 */
export function boundingBox(area: Extract<GeoArea, { shape: 'radius' }>) {
  const angular = area.radiusM / EARTH_RADIUS_M;
  // A margin against rounding at the box's edge; the exact test decides.
  const dLat = angular / RAD + 1e-9;
  const south = Math.max(-90, area.lat - dLat);
  const north = Math.min(90, area.lat + dLat);
  const ratio = Math.sin(angular) / Math.cos(area.lat * RAD);
  if (north >= 90 || south <= -90 || !(ratio < 1)) return { south, north, west: null, east: null };
  const dLon = Math.asin(ratio) / RAD + 1e-9;
  const west = area.lon - dLon < -180 ? area.lon - dLon + 360 : area.lon - dLon;
  const east = area.lon + dLon > 180 ? area.lon + dLon - 360 : area.lon + dLon;
  return { south, north, west, east };
}
