import { useState } from 'react';
import type { GuardGrantRecord } from '@outpost/protocol';
import { api } from '../../app/api.js';
import { Link } from '../../app/router.js';
import { useCan } from '../../app/session.js';
import { useAction, useAsync } from '../../app/use-async.js';
import { ErrorBox, Loading, Time } from '../../ui/bits.js';
import { Dialog } from '../../ui/dialog.js';
import { GrantDialog } from './grant-dialog.js';

function RevokeGrant({ grant, onDone }: { grant: GuardGrantRecord; onDone(): void }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const act = useAction();
  return (
    <>
      <button type="button" className="link danger-text" data-mutates="" onClick={() => setOpen(true)} aria-label={`Revoke the grant on ${grant.deviceId}, unit ${grant.unit}, ${grant.table} ${grant.start}–${grant.end}`}>
        Revoke…
      </button>
      <Dialog
        title="Revoke write grant"
        open={open}
        onClose={() => setOpen(false)}
        danger
        submitLabel="Revoke grant"
        busy={act.busy}
        onSubmit={() =>
          void act.perform(() => api.guard.revokeGrant(grant.id, reason.trim() || 'revoked from the console')).then((r) => {
            if (!r) return;
            setOpen(false);
            onDone();
          })
        }
      >
        <p>
          Writes to unit {grant.unit}, {grant.table} {grant.start}–{grant.end} on {grant.deviceId} are blocked again as soon as the device hears of it.
        </p>
        <div className="field">
          <label htmlFor={`revoke-${grant.id}`}>Reason</label>
          <input id={`revoke-${grant.id}`} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={512} />
        </div>
        <ErrorBox error={act.error} />
      </Dialog>
    </>
  );
}

/** Write grants in force across the fleet; operators grant and revoke them. */
export function GuardGrants() {
  const can = useCan();
  const grants = useAsync(() => api.guard.grants({ active: true, limit: 200 }), []);
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
      {grants.data?.items.length === 0 ? <p className="muted">No write grant is active: every guarded device blocks writes its policy does not allow.</p> : null}
      {grants.data && grants.data.items.length > 0 ? (
        <table className="data" data-testid="guard-grants">
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Registers</th>
              <th scope="col">Until</th>
              <th scope="col">Reason</th>
              <th scope="col">Granted by</th>
              {can('operator') ? (
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {grants.data.items.map((g) => (
              <tr key={g.id}>
                <td>
                  <Link to={`/devices/${encodeURIComponent(g.deviceId)}`}>{g.deviceId}</Link>
                </td>
                <td>
                  unit {g.unit}, {g.table} {g.start}–{g.end}
                </td>
                <td>
                  <Time iso={new Date(g.expiresAt).toISOString()} />
                </td>
                <td>{g.reason}</td>
                <td>{g.grantedBy}</td>
                {can('operator') ? (
                  <td className="actions">
                    <RevokeGrant grant={g} onDone={grants.reload} />
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
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
