import { useState } from 'react';
import type { GuardGrantRecord } from '@outpost/protocol';
import { api } from '../app/api.js';
import { compactJson } from '../app/format.js';
import { Link, href, navigate, useLocation } from '../app/router.js';
import { useCan } from '../app/session.js';
import { useAction, useAsync } from '../app/use-async.js';
import { Empty, ErrorBox, Loading, PageHeader, Time } from '../ui/bits.js';
import { Dialog } from '../ui/dialog.js';

const TYPES = ['', 'guard.blocked', 'guard.alert', 'guard.write', 'guard.new_master', 'guard.new_unit', 'guard.new_function', 'guard.malformed', 'guard.credential_seen', 'guard.login_prompt'];

function RevokeGrant({ grant, onDone }: { grant: GuardGrantRecord; onDone(): void }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const act = useAction();
  return (
    <>
      <button type="button" className="link danger-text" data-mutates="" onClick={() => setOpen(true)}>
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

/** The OT guard across the fleet: write grants in force and what the inline guards saw. */
export function GuardPage() {
  const can = useCan();
  const { query } = useLocation();
  const type = query.get('type') ?? '';
  const device = query.get('device') ?? '';
  const grants = useAsync(() => api.guard.grants({ active: true, limit: 200 }), []);
  const events = useAsync(() => api.guard.events({ type: type || undefined, deviceId: device || undefined, limit: 200 }), [type, device]);
  return (
    <>
      <PageHeader title="OT guard" subtitle="Modbus and DNP3 traffic checked on the device: blocked writes, new masters, time-limited write grants." />
      <section className="card">
        <h2>Write grants in force</h2>
        <ErrorBox error={grants.error} />
        {grants.loading && !grants.data ? <Loading /> : null}
        {grants.data?.items.length === 0 ? <p className="muted">No write grant is active: every guarded device blocks writes its policy does not allow.</p> : null}
        {grants.data && grants.data.items.length > 0 ? (
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Registers</th>
                <th scope="col">Until</th>
                <th scope="col">Reason</th>
                <th scope="col">Granted by</th>
                {can('operator') ? <th scope="col"><span className="sr-only">Actions</span></th> : null}
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
      </section>
      <div className="row section-gap filters-inline">
        <label className="page-size">
          Events
          <select value={type} onChange={(e) => navigate(href('/guard', { type: e.target.value, device }))}>
            {TYPES.map((t) => (
              <option key={t} value={t}>
                {t || 'every kind'}
              </option>
            ))}
          </select>
        </label>
        {device ? (
          <button type="button" className="link" onClick={() => navigate(href('/guard', { type }))}>
            Every device (now: {device})
          </button>
        ) : null}
      </div>
      <ErrorBox error={events.error} />
      {events.data?.items.length === 0 ? <Empty>No guard events{type ? ` of kind ${type}` : ''}.</Empty> : null}
      {events.data && events.data.items.length > 0 ? (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Device</th>
                <th scope="col">Event</th>
                <th scope="col">Severity</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {events.data.items.map((e) => (
                <tr key={`${e.deviceId}/${e.seq}`} className={e.severity === 'critical' ? 'row-bad' : e.severity === 'warning' ? 'row-warn' : undefined}>
                  <td>
                    <Time iso={e.ts} />
                  </td>
                  <td>
                    <Link to={href('/guard', { type, device: e.deviceId })}>{e.deviceId}</Link>
                  </td>
                  <td>
                    <code>{e.type}</code>
                  </td>
                  <td>
                    <span className={`badge sev-${e.severity}`}>{e.severity}</span>
                  </td>
                  <td className="mono small">{compactJson(e.data, 140)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
