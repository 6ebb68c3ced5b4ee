import { DEVICES_ROUTES, ENROLLMENT_ROUTES } from '@outpost/protocol';
import type { DeviceCertificate, DeviceCertificateStatus } from '../../../app/route-types.js';
import { useRoute } from '../../../app/use-route.js';
import { absolute } from '../../../app/format.js';
import { Facts, Time } from '../../../ui/bits.js';
import { DataTable, type Column } from '../../../ui/data-table.js';
type Cert = DeviceCertificate;

const CERT_COLUMNS: Column<Cert>[] = [
  { key: 'serial', header: 'Serial', cell: (c) => <code title={`SHA-256 ${c.fingerprint}`}>{c.serial}</code> },
  { key: 'issued', header: 'Issued', cell: (c) => absolute(c.issuedAt) },
  { key: 'ca', header: 'CA', cell: (c) => <code>{c.caId}</code> },
  { key: 'expires', header: 'Expires', cell: (c) => <Time iso={c.notAfter} /> },
  {
    key: 'status',
    header: 'Status',
    cell: (c) =>
      c.revokedAt ? (
        c.revokeReason === 'superseded' ? (
          <span className="badge">replaced by renewal {absolute(c.revokedAt)}</span>
        ) : c.revokeReason === 'ca_retired' ? (
          <span className="badge tone-bad">its CA was retired {absolute(c.revokedAt)}</span>
        ) : (
          <span className="badge tone-bad">revoked {absolute(c.revokedAt)}</span>
        )
      ) : Date.parse(c.notAfter) <= Date.now() ? (
        <span className="badge tone-bad">expired</span>
      ) : (
        <span className="badge tone-good">valid</span>
      ),
  },
];

const RENEWAL_TONE: Record<DeviceCertificateStatus['renewal']['state'], string> = {
  none: 'badge',
  pending: 'badge sev-warning',
  renewed: 'badge tone-good',
  failed: 'badge tone-bad',
};

/** Where the device stands with renewal: the state, failures in a row, the last refusal at the broker. */
function RenewalFacts({ status }: { status: DeviceCertificateStatus }) {
  const r = status.renewal;
  const rows: Array<[string, React.ReactNode]> = [
    ['Issued by', status.current ? <code>{status.current.caId}</code> : '–'],
    ['Renewal', <span className={RENEWAL_TONE[r.state]}>{r.state}</span>],
    ['Renewed', r.renewedAt ? <Time iso={r.renewedAt} /> : '–'],
    ['Renewals', String(r.renewals)],
    ['Failed attempts in a row', r.failures ? `${r.failures} (last: ${r.lastFailure ?? '?'})` : '0'],
    [
      'Last refusal',
      status.lastRefusal ? (
        <span>
          <code>{status.lastRefusal.reason}</code> <Time iso={status.lastRefusal.at} />
          {['certificate_expired', 'certificate_ca_retired'].includes(status.lastRefusal.reason)
            ? ' — enroll it again with a fresh token'
            : ''}
        </span>
      ) : (
        '–'
      ),
    ],
  ];
  return <Facts rows={rows} />;
}

/** The device's certificates, newest first: serial, validity, revocation; and its renewal state. */
export function Certificates({ deviceId, version }: { deviceId: string; version: number }) {
  const certs = useRoute(DEVICES_ROUTES.certificates, { params: { id: deviceId } }, [version]);
  const status = useRoute(ENROLLMENT_ROUTES.deviceCertificateStatus, { params: { id: deviceId } }, [version]);
  return (
    <section className="card" aria-labelledby="certs-title">
      <h2 id="certs-title">Certificates</h2>
      {status.data ? <RenewalFacts status={status.data} /> : null}
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
