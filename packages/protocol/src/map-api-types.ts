/**
 * Every located device a `map.points` call selects, as parallel columns (row i of each array is
 * one device), so 100,000 devices cost one compact answer rather than 100,000 objects.
 */
export interface MapPoints {
  ids: string[];
  names: string[];
  lat: number[];
  lon: number[];
  /** `online`, `offline` or `never_seen`. */
  presence: string[];
  /** The device's health verdict: `ok`, `warning`, `error` or `unknown` (no fresh report). */
  health: string[];
  /** Located devices in scope that the answer left out (beyond MAX_MAP_POINTS); 0 when complete. */
  truncated: number;
}

/** One stored position of a device. */
export interface LocationPoint {
  /** The fix's time (ISO 8601). */
  at: string;
  lat: number;
  lon: number;
  accuracyM: number | null;
}

export interface DeviceLocations {
  /** Oldest first. */
  points: LocationPoint[];
  /** True when the range held more than MAX_LOCATION_POINTS points; ask again from the last one. */
  truncated: boolean;
}

export interface MapSettings {
  /** XYZ raster tile template drawn under the map, or null for the built-in offline basemap. */
  tileUrl: string | null;
}
