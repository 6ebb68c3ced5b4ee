import type { ReactNode } from 'react';
import { DashboardPage } from '../pages/dashboard.js';
import { DevicesPage } from '../pages/devices/devices-page.js';
import { DevicePage } from '../pages/device/device-page.js';
import { GroupsPage } from '../pages/groups.js';
import { AuditPage } from '../pages/audit.js';
import { UsersPage } from '../pages/users.js';
import { TokensPage } from '../pages/tokens.js';
import { EnrollmentPage } from '../pages/enrollment.js';
import { AccountPage } from '../pages/account.js';
import { TemplatesPage } from '../pages/templates.js';
import { TemplatePage } from '../pages/template.js';
import { CompliancePage } from '../pages/compliance.js';
import { RolloutsPage } from '../pages/rollouts.js';
import { RolloutPage } from '../pages/rollout.js';
import { AlertsPage } from '../pages/alerts.js';
import { ReportsPage } from '../pages/reports.js';
import { GuardPage } from '../pages/guard.js';
import { AccessPage } from '../pages/access.js';
import { HealthPage } from '../pages/health/health-page.js';

/** Path patterns to pages; the first match wins. Nav entries live in nav.ts. */
export const ROUTES: Array<[string, (p: Record<string, string>) => ReactNode]> = [
  ['/', () => <DashboardPage />],
  ['/devices', () => <DevicesPage />],
  ['/devices/:id', (p) => <DevicePage key={p.id} id={p.id} />],
  ['/groups', () => <GroupsPage />],
  ['/health', () => <HealthPage />],
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
  ['/alerts', () => <AlertsPage />],
  ['/reports', () => <ReportsPage />],
  ['/guard', () => <GuardPage />],
  ['/access', () => <AccessPage />],
];
