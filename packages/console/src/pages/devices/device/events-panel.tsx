import { api } from '../../../app/api.js';
import { compactJson } from '../../../app/format.js';
import { useAsync } from '../../../app/use-async.js';
import { Time } from '../../../ui/bits.js';
import { DataTable, type Column } from '../../../ui/data-table.js';

type EventRow = Awaited<ReturnType<typeof api.devices.events>>['items'][number];

const COLUMNS: Column<EventRow>[] = [
  { key: 'seq', header: '#', cell: (e) => e.seq, align: 'right', fit: 'nowrap' },
  { key: 'ts', header: 'When', cell: (e) => <Time iso={e.ts} />, fit: 'nowrap' },
  { key: 'type', header: 'Type', cell: (e) => <code>{e.type}</code> },
  { key: 'severity', header: 'Severity', cell: (e) => <span className={`badge sev-${e.severity}`}>{e.severity}</span> },
  { key: 'data', header: 'Data', cell: (e) => compactJson(e.data, 160), className: 'mono small' },
];

/** Events the device reported (ordered by its own sequence numbers), newest first. */
export function EventsPanel({ deviceId, version }: { deviceId: string; version: number }) {
  const ev = useAsync(() => api.devices.events(deviceId, 200), [deviceId, version]);
  return (
    <DataTable
      columns={COLUMNS}
      rows={ev.data?.items}
      rowKey={(e) => e.seq}
      rowClass={(e) => (e.severity === 'critical' ? 'row-bad' : e.severity === 'warning' ? 'row-warn' : undefined)}
      loading={ev.loading}
      error={ev.error}
      empty="This device has reported no events."
    />
  );
}
