import type { TrafficPort } from '@outpost/protocol';
import { Empty, Time } from '../../../ui/bits.js';
import { DataTable, type Column } from '../../../ui/data-table.js';

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

/** 1234567 → "1.2 MB" (decimal units, as link speeds are counted). */
export function bytes(n: number): string {
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1000 && i < UNITS.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? Math.round(v) : v.toFixed(v < 10 ? 1 : 0)} ${UNITS[i]}`;
}

// What usually runs on the ports industrial gateways use; a hint, not a verdict.
const SERVICES: Record<string, string> = {
  'tcp/22': 'SSH',
  'udp/53': 'DNS',
  'tcp/53': 'DNS',
  'tcp/80': 'HTTP',
  'udp/123': 'NTP',
  'tcp/443': 'HTTPS',
  'udp/500': 'IPsec IKE',
  'tcp/502': 'Modbus/TCP',
  'udp/1194': 'OpenVPN',
  'tcp/1883': 'MQTT',
  'tcp/2404': 'IEC 60870-5-104',
  'tcp/4001': 'serial over TCP',
  'udp/4500': 'IPsec NAT-T',
  'tcp/8883': 'MQTT over TLS',
  'tcp/20000': 'DNP3',
  'udp/161': 'SNMP',
  'tcp/102': 'S7 / IEC 61850 MMS',
};

const COLUMNS: Column<TrafficPort>[] = [
  {
    key: 'proto',
    header: 'Protocol',
    cell: (p) => (
      <>
        {p.proto.toUpperCase()}{' '}
        {p.novel ? (
          <span className="badge sev-warning" title="First used after the learning period">
            new
          </span>
        ) : null}
      </>
    ),
  },
  { key: 'port', header: 'Port', align: 'right', cell: (p) => p.port },
  { key: 'use', header: 'Common use', className: 'muted', cell: (p) => SERVICES[`${p.proto}/${p.port}`] ?? '–' },
  {
    key: 'dir',
    header: 'Direction',
    cell: (p) => (p.dir === 'in' ? 'in: a service on the device' : 'out: to a remote service'),
  },
  { key: 'bytes', header: 'Bytes', align: 'right', cell: (p) => bytes(p.bytes) },
  { key: 'first', header: 'First seen', cell: (p) => <Time iso={p.firstSeen} /> },
  { key: 'last', header: 'Last seen', cell: (p) => <Time iso={p.lastSeen} /> },
];

/** Protocols and ports the device used, new ones (first used after the learning period) first. */
export function Ports({ ports }: { ports: TrafficPort[] }) {
  const sorted = [...ports].sort((a, b) => Number(b.novel) - Number(a.novel) || b.bytes - a.bytes || a.port - b.port);
  const fresh = ports.filter((p) => p.novel).length;
  return (
    <section className="card" aria-labelledby="ports-title">
      <div className="card-head">
        <h2 id="ports-title">Protocols and ports</h2>
        <span className="muted">
          {ports.length} seen{fresh ? `, ${fresh} new` : ''}
        </span>
      </div>
      {ports.length === 0 ? (
        <Empty>No protocol or port reported yet.</Empty>
      ) : (
        <DataTable
          columns={COLUMNS}
          rows={sorted}
          rowKey={(p) => `${p.proto}/${p.port}/${p.dir}`}
          rowClass={(p) => (p.novel ? 'row-warn' : undefined)}
          className="num-heads"
          testId="traffic-ports"
        />
      )}
    </section>
  );
}
