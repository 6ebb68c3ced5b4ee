import type { RouteDefinition } from './define-route.js';
import { VIEWS_ROUTES } from './views.routes.js';
import { GROUPS_ROUTES } from './groups.routes.js';
import { AUDIT_ROUTES } from './audit.routes.js';
import { COMMANDS_ROUTES } from './commands.routes.js';
import { ENROLLMENT_ROUTES } from './enrollment.routes.js';
import { USERS_ROUTES } from './users.routes.js';
import { DEVICES_ROUTES } from './devices.routes.js';
import { GUARD_ROUTES } from './guard.routes.js';
import { ACCESS_ROUTES } from './access.routes.js';
import { CONFIGS_ROUTES } from './configs.routes.js';
import { UPDATES_ROUTES } from './updates.routes.js';
import { LIVE_ROUTES } from './live.routes.js';
import { ALERTS_ROUTES } from './alerts.routes.js';
import { HEALTH_ROUTES } from './health.routes.js';
import { TRAFFIC_ROUTES } from './traffic.routes.js';
import { NOTIFICATIONS_ROUTES } from './notifications.routes.js';
import { REPORTS_ROUTES } from './reports.routes.js';
import { SIEM_ROUTES } from './siem.routes.js';
import { SSO_ROUTES } from './sso.routes.js';
import { PKI_ROUTES } from './pki.routes.js';
import { CELLULAR_ROUTES } from './cellular.routes.js';
import { FILES_ROUTES } from './files.routes.js';
import { AUTOMATIONS_ROUTES } from './automations.routes.js';
import { DIAGNOSTICS_ROUTES } from './diagnostics.routes.js';
import { STREAMS_ROUTES } from './streams.routes.js';
import { BROKERS_ROUTES } from './brokers.routes.js';
import { GEOFENCES_ROUTES } from './geofences.routes.js';
import { MAP_ROUTES } from './map.routes.js';

export * from './define-route.js';
export * from './route-responses.js';
export * from './route-files.js';
export * from './common.schemas.js';
export { VIEWS_ROUTES } from './views.routes.js';
export {
  GROUPS_ROUTES,
  type GroupListItem,
  type GroupMembersBody,
  type GroupRenameResult,
  type GroupRollup,
  type GroupWithCount,
  type NewGroupBody,
  type PatchGroupBody,
} from './groups.routes.js';
export { AUDIT_ROUTES } from './audit.routes.js';
export { COMMANDS_ROUTES } from './commands.routes.js';
export { ENROLLMENT_ROUTES } from './enrollment.routes.js';
export { USERS_ROUTES, type NewApiTokenBody, type NewUserBody, type PatchUserBody } from './users.routes.js';
export { DEVICES_ROUTES } from './devices.routes.js';
export { GUARD_ROUTES } from './guard.routes.js';
export { ACCESS_ROUTES } from './access.routes.js';
export { CONFIGS_ROUTES } from './configs.routes.js';
export { UPDATES_ROUTES } from './updates.routes.js';
export { LIVE_ROUTES } from './live.routes.js';
export { ALERTS_ROUTES } from './alerts.routes.js';
export { HEALTH_ROUTES, MAX_HEALTH_IDS } from './health.routes.js';
export { TRAFFIC_ROUTES } from './traffic.routes.js';
export { NOTIFICATIONS_ROUTES } from './notifications.routes.js';
export { REPORTS_ROUTES } from './reports.routes.js';
export { SIEM_ROUTES, SIEM_SINK_KINDS, SIEM_SOURCE_NAMES } from './siem.routes.js';
export { SSO_ROUTES, SSO_PROVIDER_ID } from './sso.routes.js';
export { PKI_ROUTES } from './pki.routes.js';
export {
  CELLULAR_ROUTES,
  CellularPlanBody,
  CellularGroupPlanBody,
  CellularSignalQuery,
  CellularUsageReportQuery,
} from './cellular.routes.js';
export { FILES_ROUTES } from './files.routes.js';
export { AUTOMATIONS_ROUTES } from './automations.routes.js';
export * from './automations.schemas.js';
export * from './diagnostics.routes.js';
export * from './streams.routes.js';
export * from './brokers.routes.js';
export * from './geofences.routes.js';
export * from './map.routes.js';

/** Every REST route of the hub, by area. The hub serves exactly these; the client calls them. */
export const ROUTES_BY_AREA = {
  views: VIEWS_ROUTES,
  groups: GROUPS_ROUTES,
  audit: AUDIT_ROUTES,
  commands: COMMANDS_ROUTES,
  enrollment: ENROLLMENT_ROUTES,
  users: USERS_ROUTES,
  devices: DEVICES_ROUTES,
  guard: GUARD_ROUTES,
  access: ACCESS_ROUTES,
  configs: CONFIGS_ROUTES,
  updates: UPDATES_ROUTES,
  live: LIVE_ROUTES,
  alerts: ALERTS_ROUTES,
  health: HEALTH_ROUTES,
  traffic: TRAFFIC_ROUTES,
  notifications: NOTIFICATIONS_ROUTES,
  reports: REPORTS_ROUTES,
  siem: SIEM_ROUTES,
  sso: SSO_ROUTES,
  pki: PKI_ROUTES,
  cellular: CELLULAR_ROUTES,
  files: FILES_ROUTES,
  automations: AUTOMATIONS_ROUTES,
  diagnostics: DIAGNOSTICS_ROUTES,
  data: STREAMS_ROUTES,
  brokers: BROKERS_ROUTES,
  geofences: GEOFENCES_ROUTES,
  map: MAP_ROUTES,
} as const;

/** Every REST route of the hub. */
// Pure: a bundle that never reads the table (the agent's) leaves the routes out.
export const ROUTES: readonly RouteDefinition[] = /* @__PURE__ */ Object.values(ROUTES_BY_AREA).flatMap((area) =>
  Object.values(area as Record<string, RouteDefinition>),
);
