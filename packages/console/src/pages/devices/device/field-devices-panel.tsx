import { useState } from 'react';
import { GUARD_ROUTES, compareVersions } from '@outpost/protocol';
import type { FieldDeviceRecord } from '../../../app/route-types.js';
import { useRoute } from '../../../app/use-route.js';
import { Time } from '../../../ui/bits.js';
import { DataTable, type Column } from '../../../ui/data-table.js';

const COLUMNS: Column<FieldDeviceRecord>[] = [
  { key: 'target', header: 'Guard', cell: (a) => <code>{a.target}</code> },
  {
    key: 'address',
    header: 'Address',
    cell: (a) => `${a.protocol === 'dnp3' ? 'DNP3 outstation' : 'Modbus unit'} ${a.address}`,
  },
  { key: 'vendor', header: 'Vendor', cell: (a) => a.vendor ?? '–' },
  { key: 'product', header: 'Product', cell: (a) => a.product ?? '–' },
  { key: 'firmware', header: 'Firmware', cell: (a) => (a.revision ? <code>{a.revision}</code> : '–') },
  {
    key: 'source',
    header: 'Learnt',
    cell: (a) => (a.source === 'active' ? 'asked by the guard' : a.source === 'passive' ? 'from a master' : '–'),
  },
  { key: 'interface', header: 'Interface', cell: (a) => (a.interface ? <code>{a.interface}</code> : '–') },
  {
    key: 'more',
    header: 'Other attributes',
    cell: (a) => {
      const i = a.identity;
      const more = [
        i.serialNumber && `serial ${i.serialNumber}`,
        i.deviceName,
        i.location,
        i.hardwareRevision && `hw ${i.hardwareRevision}`,
      ];
      return more.filter(Boolean).join(' · ') || '–';
    },
  },
  { key: 'seen', header: 'Last seen', cell: (a) => <Time iso={a.lastSeen} /> },
];

type SourceFilter = '' | 'passive' | 'active';

function matches(a: FieldDeviceRecord, text: string, below: string, source: SourceFilter): boolean {
  const t = text.trim().toLowerCase();
  if (source && a.source !== source) return false;
  if (t && ![a.vendor, a.product, a.target, a.interface].some((v) => v?.toLowerCase().includes(t))) return false;
  if (below.trim() && (!a.revision || compareVersions(a.revision, below.trim()) >= 0)) return false;
  return true;
}

/** The PLCs and RTUs behind this gateway, as its guards saw them identify themselves (FC 43/14, DNP3 group 0). */
export function FieldDevicesPanel({ deviceId }: { deviceId: string }) {
  const assets = useRoute(GUARD_ROUTES.deviceFieldDevices, { params: { id: deviceId } });
  const [text, setText] = useState('');
  const [below, setBelow] = useState('');
  const [source, setSource] = useState<SourceFilter>('');
  const all = assets.data?.items;
  const shown = all?.filter((a) => matches(a, text, below, source));
  return (
    <section className="card" aria-labelledby="field-devices-title">
      <h2 id="field-devices-title">Field devices</h2>
      <div className="row filters-inline">
        <label className="page-size">
          Vendor, product or interface
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="Acme, rtu:" />
        </label>
        <label className="page-size">
          Firmware below
          <input type="search" value={below} onChange={(e) => setBelow(e.target.value)} placeholder="2.4.0" />
        </label>
        <label className="page-size">
          Learnt
          <select value={source} onChange={(e) => setSource(e.target.value as SourceFilter)}>
            <option value="">either way</option>
            <option value="passive">from a master</option>
            <option value="active">asked by the guard</option>
          </select>
        </label>
        {shown && all && shown.length !== all.length ? <span className="muted">{shown.length} shown</span> : null}
      </div>
      <DataTable
        columns={COLUMNS}
        rows={shown}
        rowKey={(a) => `${a.target}/${a.protocol}/${a.address}`}
        loading={assets.loading}
        error={assets.error}
        label="Field devices"
        testId="field-devices-table"
        empty="No field device has identified itself through this gateway's guards yet."
      />
    </section>
  );
}
