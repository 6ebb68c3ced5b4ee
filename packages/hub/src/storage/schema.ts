import type { AlertsTables } from '../domains/alerts/alerts.tables.js';
import type { HealthTables } from '../domains/health/health.tables.js';
import type { NotificationsTables } from '../domains/notifications/notifications.tables.js';
import type { ReportsTables } from '../domains/reports/reports.tables.js';
import type { TrafficTables } from '../domains/traffic/traffic.tables.js';
import type { MfaTables } from '../domains/users/mfa.tables.js';
import type { SsoTables } from '../domains/users/sso/sso.tables.js';
import type { AccessTables } from '../domains/access/access.tables.js';
import type { ConfigsTables } from '../domains/configs/configs.tables.js';
import type { GuardTables } from '../domains/guard/guard.tables.js';
import type { UpdatesTables } from '../domains/updates/updates.tables.js';
import type { ViewsTables } from '../domains/views/views.tables.js';
import type { EnrollmentTables } from '../domains/enrollment/cert-renewals.tables.js';
import type { SiemTables } from '../domains/siem/siem.tables.js';
import type { PkiTables } from '../domains/pki/pki.tables.js';
import type { DeviceCellularTables } from '../domains/devices/device-cellular.tables.js';
import type { CellularTables } from '../domains/cellular/cellular.tables.js';
import type { HubVersionsTable } from './schema-version.js';
// Table shapes as Kysely sees them. Timestamps are ISO-8601 UTC strings, so they
// compare correctly as text on SQLite and PostgreSQL alike.

export interface DevicesTable {
  id: string;
  name: string;
  serial: string | null;
  model: string | null;
  firmware: string | null;
  firmware_key: string | null;
  agent_version: string | null;
  agent_version_key: string | null;
  location: string | null;
  ip: string | null;
  presence: string;
  presence_changed_at: string | null;
  last_seen_at: string | null;
  enrolled_at: string;
  cert_serial: string | null;
  cert_expires_at: string | null;
  decommissioned: number;
  hello_json: string | null;
  health_json: string | null;
  health_at: string | null;
  health_interval_s: number;
  // When an online device with no newer message counts as offline (last message + factor × interval).
  stale_at: string | null;
}

export interface DeviceTagsTable {
  device_id: string;
  key: string;
  value: string;
}

export interface GroupsTable {
  id: string;
  kind: string;
  path: string;
  filter: string | null;
  description: string;
  created_at: string;
}

export interface GroupMembersTable {
  group_id: string;
  device_id: string;
}

export interface PresenceChangesTable {
  device_id: string;
  state: string;
  at: string;
}

export interface HealthSamplesTable {
  device_id: string;
  ts: string;
  data_json: string;
}

export interface DeviceEventsTable {
  device_id: string;
  seq: number;
  ts: string;
  received_at: string;
  type: string;
  severity: string;
  data_json: string;
}

export interface EnrollmentTokensTable {
  id: string;
  secret_hash: string;
  label: string;
  max_uses: number;
  uses: number;
  expires_at: string;
  group_path: string | null;
  tags_json: string;
  created_by: string;
  created_at: string;
  revoked: number;
}

export interface CertificatesTable {
  serial: string;
  device_id: string;
  fingerprint: string;
  issued_at: string;
  not_after: string;
  revoked_at: string | null;
  revoke_reason: string | null;
  /** The CA that issued it (pki_cas.id; migration 015_pki_certificate_issuers). */
  ca_id: string;
}

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

export interface AuditLogTable {
  seq: number;
  ts: string;
  actor_type: string;
  actor: string;
  action: string;
  target: string | null;
  outcome: string;
  source_ip: string | null;
  details_json: string;
  /** JSON of AuditComponent; null on records written before migration 019. */
  component_json: string | null;
  prev_hash: string;
  hash: string;
}

/** Signed heads of the audit chain (audit-checkpoints.ts); also kept outside the database. */
export interface AuditCheckpointsTable {
  seq: number;
  hash: string;
  ts: string;
  key_id: string;
  signature: string;
}

export interface CommandsTable {
  id: string;
  batch_id: string | null;
  device_id: string;
  name: string;
  args_json: string;
  state: string;
  result_json: string | null;
  error: string | null;
  created_by: string;
  created_at: string;
  deadline: string;
  finished_at: string | null;
}

/** Core tables. Domains with tables of their own add an interface and join it into `Database` below. */
export interface CoreDatabase {
  devices: DevicesTable;
  device_tags: DeviceTagsTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  presence_changes: PresenceChangesTable;
  health_samples: HealthSamplesTable;
  device_events: DeviceEventsTable;
  enrollment_tokens: EnrollmentTokensTable;
  certificates: CertificatesTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  login_failures: LoginFailuresTable;
  audit_log: AuditLogTable;
  audit_checkpoints: AuditCheckpointsTable;
  commands: CommandsTable;
  hub_versions: HubVersionsTable;
}

// Each domain that owns tables adds `& TheirTables` here (types from its own *.tables.ts file).
export type Database = CoreDatabase &
  AlertsTables &
  NotificationsTables &
  TrafficTables &
  HealthTables &
  ReportsTables &
  MfaTables &
  SsoTables &
  AccessTables &
  ConfigsTables &
  GuardTables &
  UpdatesTables &
  ViewsTables &
  EnrollmentTables &
  SiemTables &
  PkiTables &
  DeviceCellularTables &
  CellularTables;
