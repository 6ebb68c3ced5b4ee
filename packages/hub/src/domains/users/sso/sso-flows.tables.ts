// Tables of signing out at the provider and of the device authorization grant (migration 029_users_oidc_sign_out_device).

/** The ID token of a console session that came from a provider, sealed with the hub's key; kept for its sign-out. */
export interface SsoSessionsTable {
  session_hash: string;
  provider: string;
  subject: string;
  /** The provider's session id (`sid` claim), when it gave one. */
  sid: string | null;
  /** AES-GCM under the key-encryption key, bound to the session: the raw token is never stored. */
  id_token_sealed: string;
  expires_at: string;
}

/** A sign-out sent to a provider's end-session endpoint and not yet back: single use, short-lived. */
export interface SsoSignOutsTable {
  state_hash: string;
  provider: string;
  expires_at: string;
}

/** A device authorization grant in progress: the device code stays here, the CLI holds the handle. */
export interface SsoDeviceGrantsTable {
  handle_hash: string;
  provider: string;
  device_code: string;
  /** S256 of the verifier the CLI presents with each poll. */
  challenge: string;
  nonce: string;
  interval_s: number;
  /** The provider is not asked again before this. */
  next_poll_at: string;
  expires_at: string;
}

export interface SsoFlowTables {
  sso_sessions: SsoSessionsTable;
  sso_sign_outs: SsoSignOutsTable;
  sso_device_grants: SsoDeviceGrantsTable;
}
