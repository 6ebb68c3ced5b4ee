import { useEffect, useState } from 'react';
import type { AccessSession, AccessState } from '@outpost/protocol';
import { api } from '../../app/api.js';
import { duration, num } from '../../app/format.js';
import { Link } from '../../app/router.js';
import { useCan } from '../../app/session.js';
import { useAction, useAsync } from '../../app/use-async.js';
import { Empty, ErrorBox, Loading, PageHeader, StateBadge, Time } from '../../ui/bits.js';
import { Dialog } from '../../ui/dialog.js';
import { AccessPolicies } from './access-policies.js';
import { saveRecording } from './recording-download.js';

const LIVE: AccessState[] = ['requested', 'approved', 'active'];
const PAST: AccessState[] = ['closed', 'expired', 'terminated', 'denied', 'failed'];

/** The kill switch: ends the session at once on both legs (admins). */
function Terminate({ s, onDone }: { s: AccessSession; onDone(): void }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const act = useAction();
  return (
    <>
      <button type="button" className="danger" data-mutates="" onClick={() => setOpen(true)}>
        Kill
      </button>
      <Dialog
        title="End this session now"
        open={open}
        onClose={() => setOpen(false)}
        danger
        submitLabel="Kill session"
        busy={act.busy}
        onSubmit={() =>
          void act.perform(() => api.access.terminate(s.id, reason.trim() || 'killed from the console')).then((r) => {
            if (!r) return;
            setOpen(false);
            onDone();
          })
        }
      >
        <p>
          {s.requestedBy}'s session to <code>{s.target}</code> on {s.deviceId} ends within a second on both sides.
        </p>
        <div className="field">
          <label htmlFor={`kill-${s.id}`}>Reason (audited)</label>
          <input id={`kill-${s.id}`} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={512} autoFocus />
        </div>
        <ErrorBox error={act.error} />
      </Dialog>
    </>
  );
}

function SessionRows({ items, live, onChanged }: { items: AccessSession[]; live: boolean; onChanged(): void }) {
  const can = useCan();
  const act = useAction();
  return (
    <div className="table-wrap">
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Device</th>
            <th scope="col">Target</th>
            <th scope="col">Who</th>
            <th scope="col">State</th>
            <th scope="col">{live ? 'Requested' : 'Ended'}</th>
            <th scope="col">Traffic</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((s) => (
            <tr key={s.id}>
              <td>
                <Link to={`/devices/${encodeURIComponent(s.deviceId)}`}>{s.deviceId}</Link>
              </td>
              <td>
                <code>{s.target}</code>
              </td>
              <td>
                {s.requestedBy}
                {s.reason ? <div className="muted small">“{s.reason}”</div> : null}
              </td>
              <td>
                <StateBadge state={s.state} />
                {s.closeReason ? <div className="muted small">{s.closeReason}</div> : null}
              </td>
              <td>{live ? <Time iso={s.requestedAt} /> : <Time iso={s.endedAt} />}</td>
              <td className="small">
                ↓ {num(s.bytesFromDevice)} B · ↑ {num(s.bytesToDevice)} B{s.startedAt && s.endedAt ? ` · ${duration((Date.parse(s.endedAt) - Date.parse(s.startedAt)) / 1000)}` : ''}
              </td>
              <td className="actions">
                {live && s.state === 'requested' && can('operator') ? (
                  <>
                    <button type="button" className="link" data-mutates="" onClick={() => void act.perform(() => api.access.approve(s.id)).then((r) => r && onChanged())}>
                      Approve
                    </button>
                    <button type="button" className="link danger-text" data-mutates="" onClick={() => void act.perform(() => api.access.deny(s.id)).then((r) => r && onChanged())}>
                      Deny
                    </button>
                  </>
                ) : null}
                {live && s.state === 'active' && can('admin') ? <Terminate s={s} onDone={onChanged} /> : null}
                {!live && s.recording && !s.recording.deletedAt && can('operator') ? (
                  <button type="button" className="link" onClick={() => void act.perform(() => saveRecording(s))}>
                    {s.recording.kind === 'pcap' ? 'Capture' : 'Transcript'}
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ErrorBox error={act.error} />
    </div>
  );
}

/** Remote access: sessions in progress (approve, kill), past sessions with their recordings, policies. */
export function AccessPage() {
  const live = useAsync(() => api.access.sessions({ state: LIVE, limit: 200 }), []);
  const past = useAsync(() => api.access.sessions({ state: PAST, limit: 100 }), []);
  const active = (live.data?.items ?? []).length > 0;
  useEffect(() => {
    const t = window.setInterval(() => {
      live.reload();
      if (active) past.reload();
    }, 5000);
    return () => window.clearInterval(t);
  }, [active, live.reload, past.reload]);
  return (
    <>
      <PageHeader title="Remote access" subtitle="Sessions to a device's console, serial ports or TCP services, through the hub's relay; every one recorded and audited." />
      <h2 className="section-title">In progress</h2>
      <ErrorBox error={live.error} />
      {live.loading && !live.data ? <Loading /> : null}
      {live.data?.items.length === 0 ? <Empty>No session is open or waiting.</Empty> : null}
      {live.data && live.data.items.length > 0 ? <SessionRows items={live.data.items} live onChanged={live.reload} /> : null}
      <h2 className="section-title">Past sessions</h2>
      <ErrorBox error={past.error} />
      {past.data?.items.length === 0 ? <Empty>No session has ended yet.</Empty> : null}
      {past.data && past.data.items.length > 0 ? <SessionRows items={past.data.items} live={false} onChanged={past.reload} /> : null}
      <AccessPolicies />
    </>
  );
}
