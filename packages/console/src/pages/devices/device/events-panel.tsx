import { useState } from 'react';
import { DEVICES_ROUTES } from '@outpost/protocol';
import type { DeviceEventRecord } from '../../../app/route-types.js';
import { useRoute } from '../../../app/use-route.js';
import { Time } from '../../../ui/bits.js';
import { DataTable, type Column } from '../../../ui/data-table.js';
import { FieldList } from '../../../ui/field-list.js';

type EventRow = DeviceEventRecord;

const COLUMNS: Column<EventRow>[] = [
  { key: 'seq', header: '#', cell: (e) => e.seq, align: 'right', fit: 'nowrap' },
  { key: 'ts', header: 'When', cell: (e) => <Time iso={e.ts} />, fit: 'nowrap' },
  { key: 'type', header: 'Type', cell: (e) => <code>{e.type}</code>, width: '22%' },
  { key: 'severity', header: 'Severity', cell: (e) => <span className={`badge sev-${e.severity}`}>{e.severity}</span> },
  { key: 'data', header: 'Details', cell: (e) => <FieldList data={e.data} />, width: '45%' },
];

/** Events the device reported (ordered by its own sequence numbers), newest first; one type or all. */
export function EventsPanel({ deviceId, version }: { deviceId: string; version: number }) {
  const [type, setType] = useState('');
  const ev = useRoute(
    DEVICES_ROUTES.events,
    { params: { id: deviceId }, query: { limit: 200, type: type || undefined } },
    [version],
  );
  // The types offered are those seen in the unfiltered list; the one chosen stays offered.
  const [seen, setSeen] = useState<string[]>([]);
  const types = [...new Set([...seen, ...(ev.data?.items.map((e) => e.type) ?? []), ...(type ? [type] : [])])].sort();
  if (types.length !== seen.length) setSeen(types);
  return (
    <>
      <div className="row filters-inline">
        <label className="page-size">
          Type
          <select value={type} onChange={(e) => setType(e.target.value)} aria-label="Event type">
            <option value="">every type</option>
            {types.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
      </div>
      <DataTable
        columns={COLUMNS}
        rows={ev.data?.items}
        rowKey={(e) => e.seq}
        rowClass={(e) => (e.severity === 'critical' ? 'row-bad' : e.severity === 'warning' ? 'row-warn' : undefined)}
        loading={ev.loading}
        error={ev.error}
        empty={type ? `No events of type ${type}.` : 'This device has reported no events.'}
        testId="device-events"
      />
    </>
  );
}
