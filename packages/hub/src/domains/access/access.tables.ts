export interface AccessPoliciesTable {
  id: string;
  name: string;
  device_id: string | null;
  group_path: string | null;
  targets_json: string;
  roles_json: string;
  max_duration_s: number;
  require_reason: number;
  require_approval: number;
  mfa_max_age_s: number | null;
  max_concurrent: number;
  capture_tcp: number;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface AccessSessionsTable {
  id: string;
  device_id: string;
  target: string;
  policy_id: string;
  state: string;
  reason: string | null;
  requested_by: string;
  requested_by_user: string;
  requested_at: string;
  duration_s: number;
  approved_by: string | null;
  approved_at: string | null;
  opened_at: string | null;
  started_at: string | null;
  ended_at: string | null;
  /** Deadline of the current state: approval, connection, or the session's end. */
  deadline: string;
  expires_at: string | null;
  close_reason: string | null;
  /** SHA-256 of each leg's single-use token; `*_used_at` set when it was spent. */
  operator_token_hash: string | null;
  operator_token_used_at: string | null;
  device_token_hash: string | null;
  device_token_used_at: string | null;
  bytes_to_device: number;
  bytes_from_device: number;
  streams: number;
  recording_kind: string | null;
  recording_path: string | null;
  recording_sha256: string | null;
  recording_bytes: number;
  recording_deleted_at: string | null;
  /** The replica both legs dial (its ws(s):// base URL); null before the session is opened, and on older sessions. */
  relay_url: string | null;
}

export interface AccessSettingsTable {
  key: string;
  value: string;
  updated_by: string;
  updated_at: string;
}

/** Tables of the access domain and of MFA (both created by migration 005). */
export interface AccessTables {
  access_policies: AccessPoliciesTable;
  access_sessions: AccessSessionsTable;
  access_settings: AccessSettingsTable;
}
