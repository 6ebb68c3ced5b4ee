// Tables of the MFA part of the users domain (migration 005, see mfa.migration.ts).

export interface UserMfaTable {
  user_id: string;
  /** The confirmed TOTP secret, AES-256-GCM under the KEK (base64 blob) bound to the user id; null until confirmed. */
  secret_enc: string | null;
  /** A secret being enrolled, waiting for its first code; the confirmed one stays in force meanwhile. */
  pending_secret_enc: string | null;
  pending_at: string | null;
  confirmed_at: string | null;
  /** Last accepted TOTP time step (RFC 6238 §5.2: a code is accepted once). */
  last_step: number | null;
}

export interface UserRecoveryCodesTable {
  user_id: string;
  code_hash: string;
  used_at: string | null;
}

export interface RoleMfaPolicyTable {
  role: string;
  required: number;
  updated_by: string;
  updated_at: string;
}

/** When a sign-in session last proved a second factor (step-up). */
export interface SessionMfaTable {
  id_hash: string;
  verified_at: string;
}

/** Groups a user is confined to; a user with no rows sees every device. */
export interface UserGroupScopesTable {
  user_id: string;
  group_path: string;
}

export interface MfaTables {
  user_mfa: UserMfaTable;
  user_recovery_codes: UserRecoveryCodesTable;
  role_mfa_policy: RoleMfaPolicyTable;
  session_mfa: SessionMfaTable;
  user_group_scopes: UserGroupScopesTable;
}
