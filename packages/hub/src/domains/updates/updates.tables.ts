// Tables of the update domains: artifacts, the update trust root, hub-held release keys,
// rollouts with their waves, device jobs and each job's transitions.

export interface ArtifactsTable {
  id: string;
  name: string;
  version: string;
  /** Sortable form of `version` (devices/filter/version-key.ts). */
  version_key: string;
  kind: string;
  /** Lowercase hex; the content lives at `<dataDir>/artifacts/<sha256>`; null until uploaded. */
  sha256: string | null;
  length: number | null;
  models_json: string;
  min_version: string | null;
  release_notes: string;
  /** The signed manifest (`SignedManifest`), once signed. */
  manifest_json: string | null;
  created_by: string;
  created_at: string;
  uploaded_at: string | null;
}

/** Every version of the update trust root; the highest is current. */
export interface UpdateRootsTable {
  version: number;
  root_json: string;
  expires_at: string;
  created_by: string;
  created_at: string;
}

/** Release keys the hub holds for convenience; the private half is encrypted with the KEK. */
export interface UpdateKeysTable {
  keyid: string;
  name: string;
  public_pem: string;
  private_enc: string;
  created_by: string;
  created_at: string;
}

export interface RolloutsTable {
  id: string;
  name: string;
  artifact_id: string;
  target_json: string;
  options_json: string;
  state: string;
  /** Index of the last wave started; -1 before the first. */
  current_wave: number;
  reason: string | null;
  created_by: string;
  created_at: string;
  start_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  deadline: string | null;
  state_changed_at: string;
  /** none | pending | done: whether succeeded devices are being sent back to their previous slot. */
  rollback_state: string;
}

export interface RolloutWavesTable {
  rollout_id: string;
  idx: number;
  size: number;
  /** pending | running | awaiting_approval | passed */
  state: string;
  started_at: string | null;
  passed_at: string | null;
  approved_by: string | null;
}

export interface RolloutJobsTable {
  id: string;
  rollout_id: string;
  device_id: string;
  wave: number;
  state: string;
  reason: string | null;
  last_error: string | null;
  attempt: number;
  /** When the current attempt was sent to the device; null while waiting to be sent. */
  dispatched_at: string | null;
  first_dispatched_at: string | null;
  next_attempt_at: string | null;
  /** Per-device timeout of the current attempt. */
  deadline_at: string | null;
  bytes: number;
  total: number;
  from_version: string | null;
  /** none | pending | sent | done | failed: sending a succeeded device back to its previous slot. */
  revert_state: string;
  created_at: string;
  updated_at: string;
}

export interface RolloutJobEventsTable {
  job_id: string;
  /** Monotonic across the hub's life: orders the history of one job. */
  seq: number;
  at: string;
  state: string;
  attempt: number;
  reason: string | null;
  detail: string | null;
}

export interface UpdatesTables {
  artifacts: ArtifactsTable;
  update_roots: UpdateRootsTable;
  update_keys: UpdateKeysTable;
  rollouts: RolloutsTable;
  rollout_waves: RolloutWavesTable;
  rollout_jobs: RolloutJobsTable;
  rollout_job_events: RolloutJobEventsTable;
}
