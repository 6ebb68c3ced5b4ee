import type { Kysely } from 'kysely';
import type { AccessTables } from '../domains/access/access.tables.js';
import type { AlertsTables } from '../domains/alerts/alerts.tables.js';
import type { AutomationsTables } from '../domains/automations/automations.tables.js';
import type { AuditTables } from '../domains/audit/audit.tables.js';
import type { CommandsTables } from '../domains/commands/commands.tables.js';
import type { ConfigsTables } from '../domains/configs/configs.tables.js';
import type { DevicesTables } from '../domains/devices/devices.tables.js';
import type { EnrollmentTables } from '../domains/enrollment/cert-renewals.tables.js';
import type { EnrollmentCoreTables } from '../domains/enrollment/enrollment.tables.js';
import type { GroupsTables } from '../domains/groups/groups.tables.js';
import type { GuardTables } from '../domains/guard/guard.tables.js';
import type { GuardFieldAssetsTables } from '../domains/guard/field-assets.tables.js';
import type { HealthTables } from '../domains/health/health.tables.js';
import type { NotificationsTables } from '../domains/notifications/notifications.tables.js';
import type { PkiTables } from '../domains/pki/pki.tables.js';
import type { ReportsTables } from '../domains/reports/reports.tables.js';
import type { SiemTables } from '../domains/siem/siem.tables.js';
import type { TrafficTables } from '../domains/traffic/traffic.tables.js';
import type { MfaTables } from '../domains/users/mfa.tables.js';
import type { SsoTables } from '../domains/users/sso/sso.tables.js';
import type { SsoFlowTables } from '../domains/users/sso/sso-flows.tables.js';
import type { UsersTables } from '../domains/users/users.tables.js';
import type { UpdatesTables } from '../domains/updates/updates.tables.js';
import type { ViewsTables } from '../domains/views/views.tables.js';
import type { BrokersTables } from '../domains/brokers/brokers.tables.js';
import type { DeviceCellularTables } from '../domains/devices/device-cellular.tables.js';
import type { DeviceDataTables } from '../domains/devices/device-data.tables.js';
import type { CellularTables } from '../domains/cellular/cellular.tables.js';
import type { FilesTables } from '../domains/files/files.tables.js';
import type { DiagnosticsTables } from '../domains/diagnostics/diagnostics.tables.js';
import type { DataSubscriptionTables, StreamsTables } from '../domains/streams/streams.tables.js';
import type { GeofencesTables } from '../domains/geofences/geofences.tables.js';
import type { LocationTables } from '../domains/location/location.tables.js';
import type { BlobsTables } from '../domains/blobs/blobs.tables.js';
import type { LimitsTables } from '../domains/limits/limits.tables.js';

// The hub's database as Kysely sees it: the intersection of the tables each module owns (every
// domain declares its tables' shapes in its own `*.tables.ts`), plus the platform's schema version.

/** Which hub versions opened this database (storage/schema-version.ts). */
export interface HubVersionsTable {
  hub_version: string;
  schema_version: number;
  first_opened_at: string;
  last_opened_at: string;
}

/** The platform's own table: which hub versions opened this database. */
export interface PlatformTables {
  hub_versions: HubVersionsTable;
}

export type Database = PlatformTables &
  AuditTables &
  UsersTables &
  MfaTables &
  SsoTables &
  SsoFlowTables &
  DevicesTables &
  GroupsTables &
  ViewsTables &
  BrokersTables &
  CommandsTables &
  GuardTables &
  GuardFieldAssetsTables &
  UpdatesTables &
  EnrollmentCoreTables &
  EnrollmentTables &
  PkiTables &
  AccessTables &
  ConfigsTables &
  NotificationsTables &
  HealthTables &
  TrafficTables &
  AlertsTables &
  ReportsTables &
  SiemTables &
  DeviceCellularTables &
  DeviceDataTables &
  CellularTables &
  FilesTables &
  AutomationsTables &
  DiagnosticsTables &
  StreamsTables &
  DataSubscriptionTables &
  GeofencesTables &
  LocationTables &
  LimitsTables &
  BlobsTables;

/** The hub's database handle, typed by every module's tables. */
export type Db = Kysely<Database>;
