import { api } from '../../app/api.js';
import { num } from '../../app/format.js';
import { Link } from '../../app/router.js';
import { StateBadge, Time } from '../../ui/bits.js';
import type { Column } from '../../ui/data-table.js';
import { Progress } from './rollouts-page.js';

type Rollout = Awaited<ReturnType<typeof api.rollouts.get>>;
type Job = Awaited<ReturnType<typeof api.rollouts.jobs>>['items'][number];

export const WAVE_COLUMNS: Column<Rollout['waves'][number]>[] = [
  { key: 'wave', header: 'Wave', cell: (w) => w.idx + 1 },
  { key: 'size', header: 'Devices', align: 'right', cell: (w) => num(w.size) },
  {
    key: 'state',
    header: 'State',
    cell: (w) => (
      <>
        <StateBadge state={w.state} />
        {w.approvedBy ? <div className="muted small">approved by {w.approvedBy}</div> : null}
      </>
    ),
  },
  {
    key: 'progress',
    header: 'Progress',
    className: 'progress-cell',
    cell: (w) => <Progress counts={w.counts} total={w.size} />,
  },
  {
    key: 'counts',
    header: 'By state',
    className: 'small',
    cell: (w) =>
      Object.entries(w.counts)
        .filter(([, v]) => v)
        .map(([k, v]) => `${k.replace('_', ' ')} ${v}`)
        .join(' · ') || '–',
  },
];

export const JOB_COLUMNS: Column<Job>[] = [
  {
    key: 'device',
    header: 'Device',
    cell: (j) => <Link to={`/devices/${encodeURIComponent(j.deviceId)}`}>{j.deviceId}</Link>,
  },
  { key: 'wave', header: 'Wave', cell: (j) => j.wave + 1 },
  { key: 'state', header: 'State', cell: (j) => <StateBadge state={j.state} /> },
  { key: 'from', header: 'From', cell: (j) => j.fromVersion ?? '–' },
  { key: 'attempt', header: 'Attempt', cell: (j) => j.attempt },
  { key: 'error', header: 'Last error', className: 'small', cell: (j) => j.lastError ?? j.reason ?? '–' },
  { key: 'updated', header: 'Updated', cell: (j) => <Time iso={j.updatedAt} /> },
];
