export interface HealthModelsTable {
  /** Device model the rules apply to; `*` is the default for models without their own. */
  model: string;
  rules_json: string;
  updated_by: string;
  updated_at: string;
}

export interface HealthHourlyTable {
  device_id: string;
  hour: string;
  samples: number;
  /** Per metric: { avg, min, max }. */
  stats_json: string;
}

/** Small key/value state of background jobs (roll-up watermarks). */
export interface MonitoringStateTable {
  key: string;
  value: string;
}

export interface HealthTables {
  health_models: HealthModelsTable;
  health_hourly: HealthHourlyTable;
  monitoring_state: MonitoringStateTable;
}
