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

// Pages join this list as their APIs land in the hub: artifacts & rollouts, alerts & reports
// and remote access get their entries here, under Operations and Security.
export const NAV: NavSection[] = [
  { label: 'Overview', items: [{ path: '/', label: 'Dashboard', min: 'viewer' }] },
  {
    label: 'Fleet',
    items: [
      { path: '/devices', label: 'Devices', min: 'viewer' },
      { path: '/groups', label: 'Groups', min: 'viewer' },
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
    label: 'Security',
    items: [
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
    ],
  },
];

/** The nav entry a path belongs to, for highlighting (`/devices/x` is under Devices). */
export function activeItem(path: string): string {
  let best = '/';
  for (const s of NAV) for (const i of s.items) if (i.path !== '/' && (path === i.path || path.startsWith(`${i.path}/`)) && i.path.length > best.length) best = i.path;
  return best;
}
