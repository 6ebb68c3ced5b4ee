export interface AlertRulesTable {
  id: string;
  name: string;
  type: string;
  severity: string;
  scope_group: string | null;
  scope_filter: string | null;
  params_json: string;
  for_s: number;
  clear_for_s: number;
  channels_json: string;
  enabled: number;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface AlertsTable {
  id: string;
  rule_id: string;
  // Kept with the alert so its history still reads right after the rule is renamed or deleted.
  rule_name: string;
  rule_type: string;
  device_id: string;
  // `rule_id|device_id` while the alert is open, null once resolved: a unique index on it is
  // what keeps one open alert per rule and device (NULLs never collide, on SQLite and PostgreSQL).
  open_key: string | null;
  state: string;
  severity: string;
  fired_at: string;
  value_json: string;
  last_value_json: string;
  last_value_at: string;
  text: string;
  flapping: number;
  acked_by: string | null;
  acked_at: string | null;
  ack_note: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  resolve_note: string | null;
}

export interface AlertEventsTable {
  alert_id: string;
  n: number;
  at: string;
  event: string;
  actor: string;
  note: string | null;
  value_json: string;
}

/** A rule's timers on one device (migration 010), so a hub restart does not start a `for` duration again. */
export interface AlertTimersTable {
  rule_id: string;
  device_id: string;
  /** Epoch milliseconds; null when not counting. */
  breach_since: number | null;
  clear_since: number | null;
  /** Recent firing times (epoch ms), for flap damping. */
  fires_json: string;
  manual_hold: number;
}

/** One row: when the engine last evaluated, to tell how long the hub was down. */
export interface AlertEngineRunsTable {
  id: string;
  last_run_at: number;
}

export interface AlertsTables {
  alert_rules: AlertRulesTable;
  alerts: AlertsTable;
  alert_events: AlertEventsTable;
  alert_timers: AlertTimersTable;
  alert_engine_runs: AlertEngineRunsTable;
}
