import type { LocationPoint } from '@outpost/protocol';

// Which reported fixes become history points. A fix is stored when it is newer than the last
// stored point and either moved or the last point is an hour old (a parked vehicle leaves one
// point an hour, not one per report); a day holds at most MAX_POINTS_PER_DAY points per device,
// so a device reporting too often cannot grow the table without bound.

/** One point every 30 s for a whole day. */
export const MAX_POINTS_PER_DAY = 2880;
/** Closer than this to the last point counts as not moved (GNSS jitter of a standing device). */
export const MIN_MOVE_M = 10;
export const STANDING_POINT_MS = 3_600_000;
const EARTH_RADIUS_M = 6_371_008.8;

/** Great-circle distance in metres (haversine, the same R as the filter language). */
export function distanceM(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Why a fix is not stored, or null when it is. */
export function skipReason(last: LocationPoint | null, next: LocationPoint): 'not_newer' | 'not_moved' | null {
  if (!last) return null;
  const dt = Date.parse(next.at) - Date.parse(last.at);
  if (dt <= 0) return 'not_newer';
  if (distanceM(last, next) < MIN_MOVE_M && dt < STANDING_POINT_MS) return 'not_moved';
  return null;
}

/** The UTC day [start, end) a time falls in, as ISO strings. */
export function utcDayOf(iso: string): { start: string; end: string } {
  const t = Date.parse(iso);
  const start = t - (((t % 86_400_000) + 86_400_000) % 86_400_000);
  return { start: new Date(start).toISOString(), end: new Date(start + 86_400_000).toISOString() };
}
