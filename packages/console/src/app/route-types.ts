import type {
  ACCESS_ROUTES,
  CONFIGS_ROUTES,
  LIVE_ROUTES,
  ALERTS_ROUTES,
  AUDIT_ROUTES,
  AUTOMATIONS_ROUTES,
  CELLULAR_ROUTES,
  ENROLLMENT_ROUTES,
  TRAFFIC_ROUTES,
  COMMANDS_ROUTES,
  DEVICES_ROUTES,
  DIAGNOSTICS_ROUTES,
  FILES_ROUTES,
  GUARD_ROUTES,
  HEALTH_ROUTES,
  GEOFENCES_ROUTES,
  NOTIFICATIONS_ROUTES,
  RouteResponse,
  STREAMS_ROUTES,
  UPDATES_ROUTES,
  USERS_ROUTES,
  VIEWS_ROUTES,
} from '@outpost/protocol';
// Groups, fleet health, device tracks, reports, artifacts, schedules and sign-in.
import type { GROUPS_ROUTES, MAP_ROUTES, REPORTS_ROUTES, SSO_ROUTES } from '@outpost/protocol';

// The records pages show, named from what the route table says their list routes answer: a page
// holding one takes its type from here, so it cannot drift from the route it was loaded by.
type ItemOf<R extends { readonly id: string }> = RouteResponse<R> extends { items: Array<infer T> } ? T : never;

export type User = ItemOf<typeof USERS_ROUTES.listUsers>;
export type AccessPolicy = ItemOf<typeof ACCESS_ROUTES.policies>;
export type AlertRule = ItemOf<typeof ALERTS_ROUTES.rules>;
export type NotificationChannel = ItemOf<typeof NOTIFICATIONS_ROUTES.channels>;
export type RolloutRecord = ItemOf<typeof UPDATES_ROUTES.rollouts>;
export type Schedule = ItemOf<typeof AUTOMATIONS_ROUTES.schedules>;
export type Geofence = ItemOf<typeof GEOFENCES_ROUTES.list>;
export type Device = RouteResponse<typeof DEVICES_ROUTES.get>;
export type DeviceHealth = RouteResponse<typeof HEALTH_ROUTES.device>;
export type SavedView = ItemOf<typeof VIEWS_ROUTES.list>;
export type DeviceEventRecord = ItemOf<typeof DEVICES_ROUTES.events>;
export type CommandRecord = ItemOf<typeof COMMANDS_ROUTES.ofDevice>;
export type FileEntry = ItemOf<typeof FILES_ROUTES.list>;
export type FieldDeviceRecord = ItemOf<typeof GUARD_ROUTES.deviceFieldDevices>;
export type DeviceCertificateStatus = RouteResponse<typeof ENROLLMENT_ROUTES.deviceCertificateStatus>;
export type DeviceCellularView = RouteResponse<typeof CELLULAR_ROUTES.device>;
export type DeviceGuardStatus = RouteResponse<typeof GUARD_ROUTES.status>;
export type DeviceTraffic = RouteResponse<typeof TRAFFIC_ROUTES.device>;
export type DeviceCertificate = ItemOf<typeof DEVICES_ROUTES.certificates>;
export type Alert = ItemOf<typeof ALERTS_ROUTES.list>;
export type AuditRecord = ItemOf<typeof AUDIT_ROUTES.list>;
export type GuardPolicyRecord = ItemOf<typeof GUARD_ROUTES.policies>;
export type GuardGrantRecord = ItemOf<typeof GUARD_ROUTES.grants>;
export type DiagnosticRunDetail = RouteResponse<typeof DIAGNOSTICS_ROUTES.get>;
export type DataPointView = ItemOf<typeof STREAMS_ROUTES.points>;
export type DataHistory = RouteResponse<typeof STREAMS_ROUTES.history>;
// Access, automations, configs and the dashboard.
export type AccessSession = ItemOf<typeof ACCESS_ROUTES.sessions>;
export type Automation = RouteResponse<typeof AUTOMATIONS_ROUTES.get>;
export type AutomationRun = RouteResponse<typeof AUTOMATIONS_ROUTES.runShow>;
export type AutomationRunDevice = ItemOf<typeof AUTOMATIONS_ROUTES.runDevices>;
export type ScheduleOccurrence = ItemOf<typeof AUTOMATIONS_ROUTES.upcoming>;
export type ConfigTemplateWithDevices = RouteResponse<typeof CONFIGS_ROUTES.template>;
export type ComplianceRow = ItemOf<typeof CONFIGS_ROUTES.complianceDevices>;
export type FleetSummary = RouteResponse<typeof LIVE_ROUTES.summary>;

// Groups, fleet health, device tracks, reports, artifacts, schedules and sign-in.
export type GroupListItem = ItemOf<typeof GROUPS_ROUTES.list>;
export type GroupRollup = RouteResponse<typeof GROUPS_ROUTES.rollup>;
export type FleetHealth = RouteResponse<typeof HEALTH_ROUTES.fleet>;
export type DeviceLocations = RouteResponse<typeof MAP_ROUTES.deviceLocations>;
export type ReportRun = ItemOf<typeof REPORTS_ROUTES.runs>;
export type ReportSchedule = ItemOf<typeof REPORTS_ROUTES.schedules>;
export type ArtifactRecord = ItemOf<typeof UPDATES_ROUTES.artifacts>;
export type SsoProvider = ItemOf<typeof SSO_ROUTES.providers>;
