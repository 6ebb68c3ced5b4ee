/** A device's position over time: one row per stored fix (thinned, bounded per day, aged out). */
export interface LocationHistoryTable {
  device_id: string;
  /** The fix's time (ISO 8601). */
  at: string;
  lat: number;
  lon: number;
  accuracy_m: number | null;
}

/** The map's hub-wide settings, by key (`tile_url`). */
export interface MapSettingsTable {
  key: string;
  value: string;
  updated_at: string;
  updated_by: string;
}

export interface LocationTables {
  location_history: LocationHistoryTable;
  map_settings: MapSettingsTable;
}
