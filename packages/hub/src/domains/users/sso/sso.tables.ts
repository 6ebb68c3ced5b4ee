// Tables of single sign-on in the users domain (migration 020_users_oidc_identities).

/** Which Outpost user an identity provider's subject is; created at the first sign-in. */
export interface UserIdentitiesTable {
  provider: string;
  subject: string;
  user_id: string;
  /** 1 when the provider's claims last matched no rule and the user was deactivated for it. */
  idp_disabled: number;
  created_at: string;
  last_sign_in_at: string | null;
}

/** A sign-in sent to a provider and not yet back: single use, short-lived. */
export interface SsoPendingTable {
  state_hash: string;
  provider: string;
  nonce: string;
  code_verifier: string;
  /** SHA-256 of the browser-binding cookie set when the sign-in started. */
  binding_hash: string;
  cli_port: number | null;
  cli_challenge: string | null;
  expires_at: string;
}

/** A signed-in CLI's one-time code, redeemed with the PKCE verifier the CLI kept. */
export interface SsoHandoffsTable {
  code_hash: string;
  user_id: string;
  provider: string;
  challenge: string;
  mfa_at: string | null;
  expires_at: string;
}

export interface SsoTables {
  user_identities: UserIdentitiesTable;
  sso_pending: SsoPendingTable;
  sso_handoffs: SsoHandoffsTable;
}
