import type { Role } from '@outpost/protocol';

export interface NavItem {
  path: string;
  label: string;
  /** Least role that can use the page; others do not see the entry. */
  min: Role;
}

export interface NavSection {
  label: string;
  items: NavItem[];
}

// One entry per page a person navigates to; detail pages (a device, a rollout) hang below them.
export const NAV: NavSection[] = [
  { label: 'Overview', items: [{ path: '/', label: 'Dashboard', min: 'viewer' }] },
  {
    label: 'Fleet',
    items: [
      { path: '/devices', label: 'Devices', min: 'viewer' },
      { path: '/map', label: 'Map', min: 'viewer' },
      { path: '/groups', label: 'Groups', min: 'viewer' },
      { path: '/health', label: 'Health', min: 'viewer' },
      { path: '/data/trend', label: 'Process data', min: 'viewer' },
      { path: '/geofences', label: 'Geofences', min: 'viewer' },
    ],
  },
  {
    label: 'Configuration',
    items: [
      { path: '/templates', label: 'Templates', min: 'viewer' },
      { path: '/compliance', label: 'Compliance', min: 'viewer' },
    ],
  },
  {
    label: 'Operations',
    items: [
      { path: '/rollouts', label: 'Rollouts', min: 'viewer' },
      { path: '/diagnostics', label: 'Diagnostics', min: 'viewer' },
      { path: '/automations', label: 'Automations', min: 'viewer' },
      { path: '/schedules', label: 'Schedules', min: 'viewer' },
      { path: '/alerts', label: 'Alerts', min: 'viewer' },
      { path: '/reports', label: 'Reports', min: 'viewer' },
    ],
  },
  {
    label: 'Security',
    items: [
      { path: '/access', label: 'Remote access', min: 'viewer' },
      { path: '/guard', label: 'OT guard', min: 'viewer' },
      { path: '/audit', label: 'Audit log', min: 'viewer' },
    ],
  },
  {
    label: 'Administration',
    items: [
      { path: '/users', label: 'Users', min: 'admin' },
      { path: '/tokens', label: 'API tokens', min: 'viewer' },
      { path: '/enrollment', label: 'Enrollment', min: 'operator' },
      { path: '/developer', label: 'API explorer', min: 'viewer' },
    ],
  },
];

/** The nav entry a path belongs to, for highlighting (`/devices/x` is under Devices). */
export function activeItem(path: string): string {
  let best = '/';
  for (const s of NAV)
    for (const i of s.items)
      if (i.path !== '/' && (path === i.path || path.startsWith(`${i.path}/`)) && i.path.length > best.length)
        best = i.path;
  return best;
}
