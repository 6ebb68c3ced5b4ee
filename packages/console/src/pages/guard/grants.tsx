import { useState } from 'react';
import { GUARD_ROUTES } from '@outpost/protocol';
import type { GuardGrantRecord } from '../../app/route-types.js';
import { useRoute } from '../../app/use-route.js';
import { api } from '../../app/api.js';
import { Link } from '../../app/router.js';
import { useCan } from '../../app/session.js';
import { ErrorBox, Loading, Time } from '../../ui/bits.js';
import { DataTable, type Column } from '../../ui/data-table.js';
import { FormDialog } from '../../ui/form-dialog.js';
import { GrantDialog } from './grant-dialog.js';

function RevokeGrant({ grant, onDone }: { grant: GuardGrantRecord; onDone(): void }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const where = `unit ${grant.unit}, ${grant.table} ${grant.start}–${grant.end}`;
  return (
    <>
      <button
        type="button"
        className="link danger-text"
        data-mutates=""
        onClick={() => setOpen(true)}
        aria-label={`Revoke the grant on ${grant.deviceId}, ${where}`}
      >
        Revoke…
      </button>
      <FormDialog
        title="Revoke write grant"
        open={open}
        onClose={() => setOpen(false)}
        danger
        submitLabel="Revoke grant"
        onSubmit={() => api.guard.revokeGrant(grant.id, reason.trim() || 'revoked from the console')}
        onDone={() => {
          setOpen(false);
          onDone();
        }}
      >
        <p>
          Writes to {where} on {grant.deviceId} are blocked again as soon as the device hears of it.
        </p>
        <div className="field">
          <label htmlFor={`revoke-${grant.id}`}>Reason</label>
          <input id={`revoke-${grant.id}`} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={512} />
        </div>
      </FormDialog>
    </>
  );
}

const columns = (reload: () => void): Column<GuardGrantRecord>[] => [
  {
    key: 'device',
    header: 'Device',
    cell: (g) => <Link to={`/devices/${encodeURIComponent(g.deviceId)}`}>{g.deviceId}</Link>,
  },
  { key: 'registers', header: 'Registers', cell: (g) => `unit ${g.unit}, ${g.table} ${g.start}–${g.end}` },
  { key: 'until', header: 'Until', cell: (g) => <Time iso={new Date(g.expiresAt).toISOString()} /> },
  { key: 'reason', header: 'Reason', cell: (g) => g.reason },
  { key: 'by', header: 'Granted by', cell: (g) => g.grantedBy },
  {
    key: 'actions',
    header: <span className="sr-only">Actions</span>,
    min: 'operator',
    className: 'actions',
    cell: (g) => <RevokeGrant grant={g} onDone={reload} />,
  },
];

/** Write grants in force across the fleet; operators grant and revoke them. */
export function GuardGrants() {
  const can = useCan();
  const grants = useRoute(GUARD_ROUTES.grants, { query: { active: true, limit: 200 } });
  const [granting, setGranting] = useState(false);
  return (
    <section className="card" aria-labelledby="guard-grants-title">
      <div className="card-head">
        <h2 id="guard-grants-title">Write grants in force</h2>
        {can('operator') ? (
          <button type="button" className="primary" data-mutates="" onClick={() => setGranting(true)}>
            Grant writes…
          </button>
        ) : null}
      </div>
      <ErrorBox error={grants.error} />
      {grants.loading && !grants.data ? <Loading /> : null}
      {grants.data?.items.length === 0 ? (
        <p className="muted">No write grant is active: every guarded device blocks writes its policy does not allow.</p>
      ) : null}
      <DataTable
        columns={columns(grants.reload)}
        rows={grants.data?.items}
        rowKey={(g) => g.id}
        testId="guard-grants"
        bare
      />
      {granting ? (
        <GrantDialog
          onClose={() => setGranting(false)}
          onGranted={() => {
            setGranting(false);
            grants.reload();
          }}
        />
      ) : null}
    </section>
  );
}
