// Tables of the users domain created by the first migration: accounts, sessions, API tokens and
// failed sign-ins (second factors and SSO have their own files).

export interface UsersTable {
  id: string;
  username: string;
  password_hash: string;
  role: string;
  disabled: number;
  created_at: string;
  last_login_at: string | null;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  source_ip: string | null;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  secret_hash: string;
  role: string;
  user_id: string;
  expires_at: string | null;
  created_at: string;
  last_used_at: string | null;
  revoked: number;
}

export interface LoginFailuresTable {
  key: string;
  at: string;
  /** The sign-in attempt that counted it (null for second-factor failures). */
  attempt: string | null;
}

/** The tables the users domain owns, as Kysely sees them. */
export interface UsersTables {
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  login_failures: LoginFailuresTable;
}
