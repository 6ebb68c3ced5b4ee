/**
 * Every located device a `map.points` call selects, as parallel columns (row i of each array is
 * one device), so 100,000 devices cost one compact answer rather than 100,000 objects.
 */
export interface MapPoints {
  ids: string[];
  names: string[];
  /** Degrees, rounded to 5 decimals (about a metre). */
  lat: number[];
  lon: number[];
  /** `online`, `offline` or `never_seen`. */
  presence: string[];
  /**
   * Each device's health verdict (`ok`, `warning`, `error`, `unknown`: no fresh report); only when
   * asked with `health=true`, since judging reads every device's last health report.
   */
  health?: string[];
  /** True when more than MAX_MAP_POINTS devices matched and the answer holds the first (by id). */
  truncated: boolean;
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
