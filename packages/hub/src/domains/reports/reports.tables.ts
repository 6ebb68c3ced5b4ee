export interface ReportSchedulesTable {
  id: string;
  name: string;
  kind: string;
  scope_group: string | null;
  scope_filter: string | null;
  device_id: string | null;
  period_hours: number;
  formats_json: string;
  cron: string;
  timezone: string;
  channels_json: string;
  enabled: number;
  next_run_at: string | null;
  last_run_at: string | null;
  created_by: string;
  created_at: string;
}

export interface ReportRunsTable {
  id: string;
  schedule_id: string | null;
  kind: string;
  title: string;
  state: string;
  error: string | null;
  started_at: string;
  finished_at: string | null;
  period_from: string;
  period_to: string;
  formats_json: string;
  html: string | null;
  csv: string | null;
  json: string | null;
  deliveries_json: string;
  requested_by: string;
  /** The group a fleet report covered (null: the whole fleet, or a device report). */
  scope_group: string | null;
  /** The device of a device report. */
  device_id: string | null;
}

export interface ReportsTables {
  report_schedules: ReportSchedulesTable;
  report_runs: ReportRunsTable;
}
