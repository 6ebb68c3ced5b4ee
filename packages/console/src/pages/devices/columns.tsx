import type { ReactNode } from 'react';
import type { Device } from '../../app/route-types.js';
import { Link, href, quote } from '../../app/router.js';
import { num } from '../../app/format.js';
import { PresenceBadge, Time } from '../../ui/bits.js';
import { HealthBadge, signalText, type DeviceExtras } from './device-extras.js';

export type SortField = 'name' | 'id' | 'model' | 'firmware' | 'presence' | 'last_seen' | 'enrolled_at';

export interface Column {
  id: string;
  label: string;
  /** The hub sorts on this field (devices.types.ts SORT_FIELDS). */
  sort?: SortField;
  render(d: Device, extras: DeviceExtras): ReactNode;
  /** Needs the page's health verdicts or open alert counts (read only when such a column is shown). */
  needs?: 'health' | 'alerts';
}

const none = <span className="muted">–</span>;

function openAlerts(d: Device, x: DeviceExtras): ReactNode {
  const n = x.openAlerts.get(d.id) ?? 0;
  if (n === 0) return x.alertsCapped ? <span className="muted">–</span> : <span className="muted">0</span>;
  return (
    <Link to={`/devices/${encodeURIComponent(d.id)}?tab=alerts`} className="badge sev-warning">
      {num(n)}
    </Link>
  );
}

const tagList = (tags: Record<string, string>) => {
  const entries = Object.entries(tags);
  if (entries.length === 0) return <span className="muted">–</span>;
  return (
    <span className="pills">
      {entries.slice(0, 4).map(([k, v]) => (
        <Link key={k} className="pill" to={href('/devices', { filter: `tag.${k} = ${quote(v)}` })}>
          {k}={v}
        </Link>
      ))}
      {entries.length > 4 ? <span className="muted">+{entries.length - 4}</span> : null}
    </span>
  );
};

export const COLUMNS: Column[] = [
  {
    id: 'name',
    label: 'Name',
    sort: 'name',
    render: (d) => (
      <Link to={`/devices/${encodeURIComponent(d.id)}`} className="strong">
        {d.name}
      </Link>
    ),
  },
  { id: 'id', label: 'Device id', sort: 'id', render: (d) => <code>{d.id}</code> },
  { id: 'presence', label: 'Presence', sort: 'presence', render: (d) => <PresenceBadge presence={d.presence} /> },
  { id: 'health', label: 'Health', needs: 'health', render: (d, x) => <HealthBadge health={x.health.get(d.id)} /> },
  { id: 'signal', label: 'Signal', render: (d) => signalText(d.health) ?? none },
  { id: 'alerts', label: 'Open alerts', needs: 'alerts', render: openAlerts },
  { id: 'model', label: 'Model', sort: 'model', render: (d) => d.model ?? <span className="muted">–</span> },
  {
    id: 'firmware',
    label: 'Firmware',
    sort: 'firmware',
    render: (d) => d.firmware ?? <span className="muted">–</span>,
  },
  { id: 'agent', label: 'Agent', render: (d) => d.agentVersion ?? <span className="muted">–</span> },
  { id: 'ip', label: 'Address', render: (d) => d.ip ?? <span className="muted">–</span> },
  { id: 'location', label: 'Location', render: (d) => d.location ?? <span className="muted">–</span> },
  { id: 'last_seen', label: 'Last seen', sort: 'last_seen', render: (d) => <Time iso={d.lastSeenAt} /> },
  { id: 'enrolled', label: 'Enrolled', sort: 'enrolled_at', render: (d) => <Time iso={d.enrolledAt} /> },
  { id: 'cert', label: 'Certificate expires', render: (d) => <Time iso={d.certExpiresAt} /> },
  { id: 'tags', label: 'Tags', render: (d) => tagList(d.tags) },
  {
    id: 'groups',
    label: 'Groups',
    render: (d) =>
      d.groups.length ? (
        <span className="pills">
          {d.groups.map((g) => (
            <Link key={g} className="pill" to={href('/devices', { filter: `group = ${quote(g)}` })}>
              {g}
            </Link>
          ))}
        </span>
      ) : (
        <span className="muted">–</span>
      ),
  },
];

export const DEFAULT_COLUMNS = [
  'name',
  'presence',
  'health',
  'signal',
  'alerts',
  'model',
  'firmware',
  'groups',
  'last_seen',
];
