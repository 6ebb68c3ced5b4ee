// Tables of the automations domain: automations and their versions, runs, each device's place in a
// run, per-device cool-downs, triggers already fired, and schedules (automations made from a form).

export interface AutomationsTable {
  id: string;
  name: string;
  version: number;
  enabled: number;
  spec_json: string;
  /** Groups of the scoped caller who made it (JSON array), or null: targets are narrowed to them. */
  within_json: string | null;
  schedule_id: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface AutomationVersionsTable {
  automation_id: string;
  version: number;
  spec_json: string;
  created_by: string;
  created_at: string;
}

export interface AutomationRunsTable {
  id: string;
  automation_id: string;
  version: number;
  state: string;
  trigger_json: string;
  started_by: string;
  created_at: string;
  finished_at: string | null;
  devices_total: number;
}

export interface AutomationRunDevicesTable {
  run_id: string;
  device_id: string;
  state: string;
  step_index: number;
  /** Where the current step is: ready (not started), sent (persisted before it was sent), waiting. */
  step_state: string;
  step_started_at: string | null;
  step_deadline: string | null;
  /** The command (or diagnostic run) of the current step, written before it is sent. */
  step_ref: string | null;
  results_json: string;
  reason: string | null;
  started_at: string | null;
  finished_at: string | null;
  /** Until when an offline device is waited for (pick-up). */
  pick_up_until: string | null;
}

export interface AutomationCooldownsTable {
  automation_id: string;
  device_id: string;
  last_at: string;
}

export interface AutomationFiredTable {
  automation_id: string;
  /** What fired (a cron occurrence, a device's offline spell, an event id): unique per automation. */
  fire_key: string;
  at: string;
}

export interface SchedulesTable {
  id: string;
  name: string;
  spec_json: string;
  automation_id: string;
  created_by: string;
  created_at: string;
}

/** The tables the automations domain owns, as Kysely sees them. */
export interface AutomationsTables {
  automations: AutomationsTable;
  automation_versions: AutomationVersionsTable;
  automation_runs: AutomationRunsTable;
  automation_run_devices: AutomationRunDevicesTable;
  automation_cooldowns: AutomationCooldownsTable;
  automation_fired: AutomationFiredTable;
  schedules: SchedulesTable;
}
