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

/** Path patterns to pages; the first match wins. Nav entries live in nav.ts. */
export const ROUTES: Array<[string, (p: Record<string, string>) => ReactNode]> = [
  ['/', () => <DashboardPage />],
  ['/devices', () => <DevicesPage />],
  ['/devices/:id', (p) => <DevicePage key={p.id} id={p.id} />],
  ['/groups', () => <GroupsPage />],
  ['/audit', () => <AuditPage />],
  ['/users', () => <UsersPage />],
  ['/tokens', () => <TokensPage />],
  ['/enrollment', () => <EnrollmentPage />],
  ['/account', () => <AccountPage />],
];
