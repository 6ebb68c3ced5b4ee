// Tables of the configuration domain (templates, overrides, desired state) and of compliance.
// Timestamps are ISO-8601 UTC text; JSON columns hold canonical JSON written by the stores.
import type { Generated } from 'kysely';

export interface ConfigModelsTable {
  model: string;
  schema_json: string;
  updated_by: string;
  updated_at: string;
}

export interface ConfigTemplatesTable {
  id: string;
  name: string;
  version: number;
  priority: number;
  policy: string;
  // Current spec with secrets encrypted (see template-spec.ts); earlier ones live in versions.
  spec_json: string;
  created_at: string;
  updated_by: string;
  updated_at: string;
}

export interface ConfigTemplateVersionsTable {
  template_id: string;
  version: number;
  spec_json: string;
  author: string;
  created_at: string;
  comment: string;
  diff_json: string;
}

export interface ConfigBlobsTable {
  sha256: string;
  content_b64: string;
  size: number;
  created_at: string;
}

export interface ConfigOverridesTable {
  device_id: string;
  key: string;
  // JSON of the value, or of `{ "$enc": base64 }` for a secret.
  value_json: string;
  secret: number;
  updated_by: string;
  updated_at: string;
}

export interface ConfigDeviceStateTable {
  device_id: string;
  desired_version: number;
  desired_hash: string;
  // Effective desired state without plaintext secrets (digests instead), with the source of every key.
  desired_json: string;
  published_at: string | null;
  reported_version: number | null;
  reported_at: string | null;
  reported_json: string | null;
  report_error: string | null;
  /** Grows by one whenever the stored report is written: what a cached evaluation of it is keyed on. */
  report_rev: Generated<number>;
  state: string | null;
  maintenance_until: string | null;
  maintenance_by: string | null;
}

export interface ConfigComplianceTable {
  device_id: string;
  template_id: string;
  state: string;
  diff_json: string;
  reason: string | null;
  since: string;
  checked_at: string;
}

export interface ConfigIncidentsTable {
  id: string;
  device_id: string;
  template_id: string;
  template_name: string;
  keys_json: string;
  users_json: string;
  detected_at: string;
  resolved_at: string | null;
  resolution: string | null;
  remediations: number;
}

export interface ConfigRemediationsTable {
  id: string;
  incident_id: string | null;
  device_id: string;
  template_id: string;
  at: string;
  desired_version: number;
  keys_json: string;
  actor: string;
}

export interface ConfigHistoryTable {
  at: string;
  /** '' for the whole fleet, else the sorted group paths of the scope the counts cover. */
  scope_key: string;
  template_id: string;
  template_name: string;
  total: number;
  compliant: number;
  drifted: number;
  pending: number;
  error: number;
}

export interface ConfigEventsTable {
  id: string;
  device_id: string;
  ts: string;
  type: string;
  severity: string;
  template_id: string | null;
  data_json: string;
}

export interface ConfigScansTable {
  id: string;
  started_at: string;
  duration_ms: number;
  devices: number;
  republished: number;
  trigger: string;
  /** '' for a scan of the whole fleet, else the sorted group paths of the scope scanned. */
  scope_key: string;
}

export interface ConfigsTables {
  config_models: ConfigModelsTable;
  config_templates: ConfigTemplatesTable;
  config_template_versions: ConfigTemplateVersionsTable;
  config_blobs: ConfigBlobsTable;
  config_overrides: ConfigOverridesTable;
  config_device_state: ConfigDeviceStateTable;
  config_compliance: ConfigComplianceTable;
  config_incidents: ConfigIncidentsTable;
  config_remediations: ConfigRemediationsTable;
  config_history: ConfigHistoryTable;
  config_events: ConfigEventsTable;
  config_scans: ConfigScansTable;
}
