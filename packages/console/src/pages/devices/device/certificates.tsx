import { api } from '../../../app/api.js';
import { absolute } from '../../../app/format.js';
import { useAsync } from '../../../app/use-async.js';
import { Time } from '../../../ui/bits.js';
import { DataTable, type Column } from '../../../ui/data-table.js';
type Cert = Awaited<ReturnType<typeof api.devices.certificates>>['items'][number];

const CERT_COLUMNS: Column<Cert>[] = [
  { key: 'serial', header: 'Serial', cell: (c) => <code title={`SHA-256 ${c.fingerprint}`}>{c.serial}</code> },
  { key: 'issued', header: 'Issued', cell: (c) => absolute(c.issuedAt) },
  { key: 'expires', header: 'Expires', cell: (c) => <Time iso={c.notAfter} /> },
  {
    key: 'status',
    header: 'Status',
    cell: (c) =>
      c.revokedAt ? (
        <span className="badge tone-bad">revoked {absolute(c.revokedAt)}</span>
      ) : (
        <span className="badge tone-good">valid</span>
      ),
  },
];

/** The device's certificates, newest first: serial, validity, revocation. */
export function Certificates({ deviceId, version }: { deviceId: string; version: number }) {
  const certs = useAsync(() => api.devices.certificates(deviceId), [deviceId, version]);
  return (
    <section className="card" aria-labelledby="certs-title">
      <h2 id="certs-title">Certificates</h2>
      <DataTable
        columns={CERT_COLUMNS}
        rows={certs.data?.items}
        rowKey={(c) => c.serial}
        loading={certs.loading}
        error={certs.error}
      />
    </section>
  );
}
