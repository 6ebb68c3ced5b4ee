/** A SIEM receiver the hub streams to; `config_json` never holds a secret (that is `secret_enc`). */
export interface SiemSinksTable {
  id: string;
  name: string;
  kind: string;
  config_json: string;
  /** The bearer token or client key, sealed under the KEK (AAD names the sink); null when none. */
  secret_enc: string | null;
  enabled: number;
  created_by: string;
  created_at: string;
  updated_at: string;
  /** Consecutive failed deliveries; 0 once one succeeds. */
  failures: number;
  next_attempt_at: string | null;
  failing_since: string | null;
  last_error: string | null;
  last_delivered_at: string | null;
  delivered_total: number;
  /** When the "sink failing" record was written for the current failure, so it is written once. */
  alerted_at: string | null;
}

/** How far each sink has delivered each source: the position of the last event the receiver took. */
export interface SiemCursorsTable {
  sink_id: string;
  source: string;
  position: string;
}

export interface SiemTables {
  siem_sinks: SiemSinksTable;
  siem_cursors: SiemCursorsTable;
}
