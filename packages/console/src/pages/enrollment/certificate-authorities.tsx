import { PKI_ROUTES, type CertificateAuthoritySummary } from '@outpost/protocol';
import { api } from '../../app/api.js';
import { num } from '../../app/format.js';
import { useRoute } from '../../app/use-route.js';
import { StateBadge, Time } from '../../ui/bits.js';
import { ConfirmAction, type ConfirmSpec } from '../../ui/confirm-action.js';
import { DataTable, type Column } from '../../ui/data-table.js';

type Ca = CertificateAuthoritySummary;

/** Retiring a CA still in use is refused by the hub unless forced; the dialog says what forcing costs. */
function retireSpec(ca: Ca, reload: () => void): ConfirmSpec {
  const inUse = ca.liveCertificates > 0;
  return {
    title: `Retire ${ca.id}`,
    body: inUse ? (
      <p>
        {num(ca.devices)} device(s) still hold live certificates of <strong>{ca.commonName}</strong>. Retiring it now
        cuts them off: they are refused with <code>certificate_ca_retired</code> and must enroll again with a fresh
        token. Waiting until they renew costs nothing.
      </p>
    ) : (
      <p>
        No live certificate depends on <strong>{ca.commonName}</strong>. Devices, the broker and the hub&apos;s TLS stop
        trusting it.
      </p>
    ),
    confirmLabel: inUse ? 'Retire anyway' : 'Retire',
    count: ca.liveCertificates,
    noun: ['live certificate is revoked', 'live certificates are revoked'],
    run: () => api.pki.retireCa(ca.id, inUse ? { force: true } : {}),
    onDone: reload,
  };
}

function rotateSpec(active: Ca | undefined, reload: () => void): ConfirmSpec {
  return {
    title: 'Rotate the CA',
    body: (
      <p>
        A new CA signs every certificate from now on. {active ? <strong>{active.commonName}</strong> : 'The current CA'}{' '}
        stays trusted (retiring) while connected devices receive the new CA and renew onto it, spread over time. Retire
        it here once no live certificate depends on it.
      </p>
    ),
    confirmLabel: 'Create the new CA',
    run: () => api.pki.rotateCa(),
    onDone: reload,
  };
}

/** The hub's CAs (admin): which signs, which are still trusted and how many live certificates depend on each. */
export function CertificateAuthorities() {
  const cas = useRoute(PKI_ROUTES.listCas);
  const reload = () => cas.reload();
  const columns: Column<Ca>[] = [
    {
      key: 'id',
      header: 'CA',
      className: 'strong',
      cell: (c) => <code title={`SHA-256 ${c.fingerprint}`}>{c.id}</code>,
    },
    { key: 'name', header: 'Name', cell: (c) => c.commonName },
    { key: 'state', header: 'State', cell: (c) => <StateBadge state={c.state} /> },
    { key: 'live', header: 'Live certificates', align: 'right', cell: (c) => num(c.liveCertificates) },
    { key: 'devices', header: 'Devices', align: 'right', cell: (c) => num(c.devices) },
    { key: 'tls', header: 'Hub TLS', cell: (c) => (c.servesHubTls ? 'serves' : '') },
    {
      key: 'since',
      header: 'Since',
      cell: (c) => <Time iso={c.retiredAt ?? c.retiringSince ?? c.createdAt} />,
    },
    {
      key: 'retire',
      header: '',
      cell: (c) =>
        c.state === 'retiring' ? (
          <ConfirmAction
            label={c.liveCertificates > 0 ? 'Retire…' : 'Retire'}
            className="danger-outline"
            data-mutates=""
            spec={() => retireSpec(c, reload)}
          />
        ) : null,
    },
  ];
  const active = cas.data?.items.find((c) => c.state === 'active');
  return (
    <section className="card ca-card" aria-labelledby="cas-title">
      <h2 id="cas-title">Certificate authorities</h2>
      <p className="muted">
        {cas.data && cas.data.devicesOnRetiringCas > 0
          ? `${num(cas.data.devicesOnRetiringCas)} device(s) still on a retiring CA.`
          : 'Every device certificate comes from the CA that signs now, or a CA still trusted.'}
      </p>
      <DataTable
        columns={columns}
        rows={cas.data?.items}
        rowKey={(c) => c.id}
        loading={cas.loading}
        error={cas.error}
      />
      <div className="ca-actions">
        <ConfirmAction
          label="Rotate the CA…"
          className="danger-outline"
          data-mutates=""
          spec={() => rotateSpec(active, reload)}
        />
      </div>
    </section>
  );
}
