// Tables of the OT guard domain. Guard events themselves live in `device_events` (type `guard.*`).

/** Every revision of a device or group policy; `version` is hub-wide, so it names one revision. */
export interface GuardPoliciesTable {
  version: number;
  scope: string;
  target: string;
  /** null records that the policy was removed. */
  policy_json: string | null;
  created_by: string;
  created_at: string;
}

/** Signed write grants, kept after expiry or revocation for the record. */
export interface GuardGrantsTable {
  id: string;
  device_id: string;
  unit: number;
  register_table: string;
  start_addr: number;
  end_addr: number;
  not_before: string;
  expires_at: string;
  reason: string;
  granted_by: string;
  signature: string;
  /** Migration 017: the named state the grant sets, and its ticket (both or neither). */
  sets_state: string | null;
  ticket: string | null;
  created_at: string;
  revoked_at: string | null;
  revoked_by: string | null;
  revoke_reason: string | null;
}

/** The hub's Ed25519 grant-signing key; the private half encrypted with the KEK (base64 blob). */
export interface GuardKeysTable {
  id: string;
  public_pem: string;
  private_enc: string;
  created_at: string;
}

/** The last policy document published to each device. */
export interface GuardDocumentsTable {
  device_id: string;
  version: number;
  doc_hash: string;
  doc_json: string;
  published_at: string;
}

/** Rotations of the grant-signing key (migration 011): each new key endorsed by the one before. */
export interface GuardKeyEndorsementsTable {
  seq: number;
  key_pem: string;
  previous_fingerprint: string;
  issued_at: number;
  signature: string;
  rotated_by: string;
  reason: string;
}

export interface GuardTables {
  guard_policies: GuardPoliciesTable;
  guard_grants: GuardGrantsTable;
  guard_keys: GuardKeysTable;
  guard_documents: GuardDocumentsTable;
  guard_key_endorsements: GuardKeyEndorsementsTable;
}
