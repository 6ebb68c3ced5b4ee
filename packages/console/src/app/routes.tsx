import type { ReactNode } from 'react';
import { DashboardPage } from '../pages/dashboard/dashboard-page.js';
import { DevicesPage } from '../pages/devices/devices-page.js';
import { DevicePage } from '../pages/devices/device/device-page.js';
import { GroupsPage } from '../pages/groups/groups-page.js';
import { GroupPage } from '../pages/groups/group-page.js';
import { AuditPage } from '../pages/audit/audit-page.js';
import { UsersPage } from '../pages/users/users-page.js';
import { TokensPage } from '../pages/users/tokens.js';
import { EnrollmentPage } from '../pages/enrollment/enrollment-page.js';
import { AccountPage } from '../pages/users/account.js';
import { TemplatesPage } from '../pages/configs/templates-page.js';
import { TemplatePage } from '../pages/configs/template-page.js';
import { CompliancePage } from '../pages/configs/compliance.js';
import { RolloutsPage } from '../pages/rollouts/rollouts-page.js';
import { RolloutPage } from '../pages/rollouts/rollout-page.js';
import { AlertsPage } from '../pages/alerts/alerts-page.js';
import { ReportsPage } from '../pages/reports/reports-page.js';
import { GuardPage } from '../pages/guard/guard-page.js';
import { AccessPage } from '../pages/access/access-page.js';
import { HealthPage } from '../pages/health/health-page.js';
import { ApiExplorerPage } from '../pages/developer/api-explorer.js';
import { DiagnosticsPage } from '../pages/diagnostics/diagnostics-page.js';
import { DiagnosticRunPage } from '../pages/diagnostics/diagnostic-run-page.js';
import { AutomationsPage } from '../pages/automations/automations-page.js';
import { AutomationPage } from '../pages/automations/automation-page.js';
import { BuilderPage } from '../pages/automations/builder-page.js';
import { AutomationRunPage } from '../pages/automations/run-page.js';
import { SchedulesPage } from '../pages/schedules/schedules-page.js';
import { TrendPage } from '../pages/data/trend-page.js';
import { GeofencesPage } from '../pages/geofences/geofences-page.js';
import { MapPage } from '../pages/map/map-page.js';

/** Path patterns to pages; the first match wins. Nav entries live in nav.ts. */
export const ROUTES: Array<[string, (p: Record<string, string>) => ReactNode]> = [
  ['/', () => <DashboardPage />],
  ['/devices', () => <DevicesPage />],
  ['/devices/:id', (p) => <DevicePage key={p.id} id={p.id} />],
  ['/groups', () => <GroupsPage />],
  ['/map', () => <MapPage />],
  ['/data/trend', () => <TrendPage />],
  ['/groups/:path', (p) => <GroupPage key={p.path} path={p.path} />],
  ['/health', () => <HealthPage />],
  ['/geofences', () => <GeofencesPage />],
  ['/audit', () => <AuditPage />],
  ['/users', () => <UsersPage />],
  ['/tokens', () => <TokensPage />],
  ['/enrollment', () => <EnrollmentPage />],
  ['/account', () => <AccountPage />],
  ['/templates', () => <TemplatesPage />],
  ['/templates/:name', (p) => <TemplatePage key={p.name} name={p.name} />],
  ['/compliance', () => <CompliancePage />],
  ['/rollouts', () => <RolloutsPage />],
  ['/rollouts/:id', (p) => <RolloutPage key={p.id} id={p.id} />],
  ['/diagnostics', () => <DiagnosticsPage />],
  ['/diagnostics/:id', (p) => <DiagnosticRunPage key={p.id} id={p.id} />],
  ['/automations', () => <AutomationsPage />],
  ['/automations/new', () => <BuilderPage />],
  ['/automations/:name', (p) => <AutomationPage key={p.name} name={p.name} />],
  ['/automations/:name/edit', (p) => <BuilderPage key={p.name} name={p.name} />],
  ['/automations/:name/runs/:id', (p) => <AutomationRunPage key={p.id} id={p.id} />],
  ['/schedules', () => <SchedulesPage />],
  ['/alerts', () => <AlertsPage />],
  ['/reports', () => <ReportsPage />],
  ['/guard', () => <GuardPage />],
  ['/access', () => <AccessPage />],
  ['/developer', () => <ApiExplorerPage />],
];
