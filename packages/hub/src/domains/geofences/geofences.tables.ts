/** A fence: a circle or polygon on a group (with the groups below it) or on one device. */
export interface GeofencesTable {
  id: string;
  name: string;
  group_path: string | null;
  device_id: string | null;
  /** The shape as the API takes it (`{kind: 'circle', …}` or `{kind: 'polygon', ring}`). */
  shape_json: string;
  /** The groups of the scoped caller who made it; null when made by a caller who sees every device. */
  within_json: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

/** The side of a fence each device was last seen on, after the hysteresis. */
export interface GeofenceSidesTable {
  fence_id: string;
  device_id: string;
  side: 'inside' | 'outside';
  /** 1 when the side was reached by a crossing; 0 when it is the first fix's (no event was sent). */
  crossed: number;
  /** The fix that decided the side (ISO 8601); older fixes are ignored. */
  fix_at: string;
  changed_at: string;
}

export interface GeofencesTables {
  geofences: GeofencesTable;
  geofence_sides: GeofenceSidesTable;
}
