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

export interface AlertsTables {
  alert_rules: AlertRulesTable;
  alerts: AlertsTable;
  alert_events: AlertEventsTable;
}
