// Tables of the diagnostics domain: runs (who ran what, on which target) and one result per device.

export interface DiagnosticRunsTable {
  id: string;
  name: string;
  param: string | null;
  /** `device:<id>`, `group:<path>` or `filter:<text>`: the target as asked, evaluated at the start. */
  target: string;
  timeout_ms: number;
  devices: number;
  state: string;
  created_by: string;
  created_at: string;
  finished_at: string | null;
}

export interface DiagnosticResultsTable {
  run_id: string;
  device_id: string;
  /** pending until the device answered (or could not): ok, failed, refused, timeout, offline. */
  status: string;
  exit_code: number | null;
  stdout: string;
  stderr: string;
  truncated: number;
  duration_ms: number;
  reason: string | null;
  finished_at: string | null;
}

/** The tables the diagnostics domain owns, as Kysely sees them. */
export interface DiagnosticsTables {
  diagnostic_runs: DiagnosticRunsTable;
  diagnostic_results: DiagnosticResultsTable;
}
