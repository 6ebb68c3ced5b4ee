import type {
  ApiToken,
  AuditRecord,
  AuditVerifyResult,
  CommandRecord,
  Device,
  DeviceAvailability,
  DeviceCertificate,
  DeviceCertificateStatus,
  DeviceEventRecord,
  DeviceHealthSample,
  EnrollmentToken,
  Page,
  Role,
  User,
} from '../api-types.js';
import type { CellularSignalHistory, DeviceCellularView } from '../cellular-api.js';
import type { DeviceConfigView } from '../configs-api-types.js';
import type { FieldDeviceRecord } from '../field-assets-messages.js';
import type { FileEntry, FileRootInfo } from '../files-messages.js';
import type { DeviceGuardStatus, GuardGrantRecord, GuardPolicyRecord } from '../guard-messages.js';
import type { DataHistory, DataPointView } from '../streams-api-types.js';
import type { DiagnosticRunDetail, DiagnosticRunListItem } from './diagnostics.routes.js';
import type { GroupListItem } from './groups.routes.js';
import type { DeviceHealth, DeviceTraffic } from '../health-api-types.js';
import type { SupportedCommand } from '../supported-commands.js';
import type { DeviceTimeline } from '../timeline-marks.js';
import type { SavedView } from '../views-api-types.js';
import type { AccessPolicy, MfaStatus } from '../access-api-types.js';
import type {
  Alert,
  AlertHistoryEntry,
  AlertRuleTypeInfo,
  AlertsSummary,
  AlertTimelineBucket,
  AlertRule,
  NotificationChannel,
  NotificationMessage,
  ReportSchedule,
} from '../monitoring-messages.js';
import type { ComplianceSummary } from '../configs-api-types.js';
import type { HealthModelList } from '../health-api-types.js';
import type { CertificateAuthorityList } from '../pki-api-types.js';
import type { RolloutJobRecord, RolloutRecord } from '../updates-api-types.js';
import type { Schedule } from '../automations-api-types.js';
import type { Geofence } from './geofences.routes.js';
import type { MapPoints, MapSettings } from '../map-api-types.js';
// Access, automations, configs and the dashboard.
import type { AccessSession } from '../access-api-types.js';
import type { Automation, AutomationRun, AutomationRunDevice, ScheduleOccurrence } from '../automations-api-types.js';
import type {
  ComplianceHistoryPoint,
  ComplianceRow,
  TemplateVersion,
  TemplateWithDevices,
} from '../configs-api-types.js';
import type { FleetHealth } from '../health-api-types.js';
import type { FleetSites, FleetSummary, PresenceTrendPoint } from '../live-api-types.js';
import type { CertificateHealth } from '../pki-api-types.js';
import type { ArtifactRecord } from '../updates-api-types.js';
// Bulk commands, groups, device tracks, reports and sign-in.
import type { CommandBatch, SsoProvider } from '../api-types.js';
import type { GroupRollup, GroupWithCount } from './groups.routes.js';
import type { DeviceLocations } from '../map-api-types.js';
import type { ReportRun } from '../monitoring-messages.js';

/** A response body's type, carried in the table at run time as an empty marker. */
export interface ResponseOf<T> {
  readonly body?: T;
}

const body = <T>(): ResponseOf<T> => Object.freeze({});

/**
 * What a route answers (status 2xx), by route id, for the routes whose answer is typed here; the
 * console's data hooks take their response types from this table, never name them themselves.
 */
export const ROUTE_RESPONSES = {
  'users.list': body<{ items: User[] }>(),
  'tokens.list': body<{ items: ApiToken[] }>(),
  'mfa.status': body<MfaStatus>(),
  'mfa.policy': body<Record<Role, boolean>>(),
  'enrollment.listTokens': body<{ items: EnrollmentToken[] }>(),
  'access.policies': body<{ items: AccessPolicy[] }>(),
  'alerts.rules': body<{ items: AlertRule[] }>(),
  'notifications.channels': body<{ items: NotificationChannel[] }>(),
  'notifications.deadLetters': body<{ items: NotificationMessage[] }>(),
  'compliance.summary': body<ComplianceSummary>(),
  'reports.schedules': body<{ items: ReportSchedule[] }>(),
  'health.models': body<HealthModelList>(),
  'pki.listCas': body<CertificateAuthorityList>(),
  'rollouts.list': body<{ items: RolloutRecord[] }>(),
  'schedules.list': body<{ items: Schedule[] }>(),
  'groups.list': body<{ items: GroupListItem[] }>(),
  'geofences.list': body<{ items: Geofence[] }>(),
  'map.points': body<MapPoints>(),
  'map.settings': body<MapSettings>(),
  // The device list and the device page's tabs.
  'devices.list': body<Page<Device>>(),
  'devices.get': body<Device>(),
  'devices.events': body<{ items: DeviceEventRecord[] }>(),
  'devices.availability': body<DeviceAvailability>(),
  'devices.health': body<{ items: DeviceHealthSample[] }>(),
  'devices.timeline': body<DeviceTimeline>(),
  'devices.supportedCommands': body<{ announced: boolean; items: SupportedCommand[] }>(),
  'devices.certificates': body<{ items: DeviceCertificate[] }>(),
  'enrollment.deviceCertificateStatus': body<DeviceCertificateStatus>(),
  'commands.ofDevice': body<{ items: CommandRecord[] }>(),
  'views.list': body<{ items: SavedView[] }>(),
  'health.device': body<DeviceHealth>(),
  'health.devices': body<{ items: DeviceHealth[] }>(),
  'traffic.device': body<DeviceTraffic>(),
  'cellular.device': body<DeviceCellularView>(),
  'cellular.signal': body<CellularSignalHistory>(),
  'configs.deviceConfig': body<DeviceConfigView>(),
  'configs.modelSchema': body<{ model: string; schema: unknown }>(),
  'files.roots': body<{ items: FileRootInfo[] }>(),
  'files.list': body<{ items: FileEntry[]; next?: string }>(),
  'guard.status': body<DeviceGuardStatus>(),
  'alerts.list': body<{ items: Alert[]; nextCursor: string | null }>(),
  'alerts.get': body<Alert & { history: AlertHistoryEntry[] }>(),
  'alerts.timeline': body<{ items: AlertTimelineBucket[] }>(),
  'alerts.summary': body<AlertsSummary>(),
  'alerts.ruleTypes': body<{ items: AlertRuleTypeInfo[] }>(),
  'audit.list': body<{ items: AuditRecord[]; nextCursor: string | null }>(),
  'audit.verify': body<AuditVerifyResult>(),
  'guard.policies': body<{ items: GuardPolicyRecord[] }>(),
  'guard.devicePolicyHistory': body<{ items: GuardPolicyRecord[] }>(),
  'guard.groupPolicy': body<{ items: GuardPolicyRecord[] }>(),
  'guard.grants': body<{ items: GuardGrantRecord[] }>(),
  'guard.events': body<{ items: DeviceEventRecord[] }>(),
  'rollouts.get': body<RolloutRecord>(),
  'rollouts.jobs': body<{ items: RolloutJobRecord[] }>(),
  'diagnostics.list': body<{ items: DiagnosticRunListItem[] }>(),
  'diagnostics.get': body<DiagnosticRunDetail>(),
  'diagnostics.declared': body<{ deviceId: string; names: string[] }>(),
  'data.points': body<{ items: DataPointView[] }>(),
  'data.history': body<DataHistory>(),
  'guard.blockedPerHour': body<{ from: string; items: Array<{ hour: string; blocked: number }> }>(),
  'guard.deviceFieldDevices': body<{ items: FieldDeviceRecord[] }>(),
  // Access, automations, configs and the dashboard.
  'access.sessions': body<{ items: AccessSession[] }>(),
  'access.session': body<AccessSession>(),
  'automations.list': body<{ items: Automation[] }>(),
  'automations.get': body<Automation>(),
  'automations.runs': body<{ items: AutomationRun[] }>(),
  'automations.run-show': body<AutomationRun>(),
  'automations.run-devices': body<{ items: AutomationRunDevice[] }>(),
  'schedules.upcoming': body<{ items: ScheduleOccurrence[] }>(),
  'artifacts.list': body<{ items: ArtifactRecord[] }>(),
  'configs.templates': body<{ items: TemplateWithDevices[] }>(),
  'configs.template': body<TemplateWithDevices>(),
  'configs.templateVersions': body<{ items: TemplateVersion[] }>(),
  'compliance.devices': body<{ items: ComplianceRow[]; nextCursor: string | null }>(),
  'compliance.history': body<{ template: string; items: ComplianceHistoryPoint[] }>(),
  'health.fleet': body<FleetHealth>(),
  'pki.certificateHealth': body<CertificateHealth>(),
  'live.summary': body<FleetSummary>(),
  'live.sites': body<FleetSites>(),
  'live.presenceTrend': body<{ items: PresenceTrendPoint[] }>(),
  // Bulk commands, groups, device tracks, reports and sign-in.
  'commands.batch': body<CommandBatch>(),
  'groups.get': body<GroupWithCount>(),
  'groups.rollup': body<GroupRollup>(),
  'map.deviceLocations': body<DeviceLocations>(),
  'reports.runs': body<{ items: ReportRun[] }>(),
  'sso.providers': body<{ items: SsoProvider[] }>(),
} as const;

/** Route ids whose response type the table knows. */
export type TypedRouteId = keyof typeof ROUTE_RESPONSES;

/** The response body of route `R`, from `ROUTE_RESPONSES` by its id. */
export type RouteResponse<R extends { readonly id: string }> = R['id'] extends TypedRouteId
  ? (typeof ROUTE_RESPONSES)[R['id']] extends ResponseOf<infer T>
    ? T
    : never
  : never;
