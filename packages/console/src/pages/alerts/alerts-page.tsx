import { useState } from 'react';
import type { Alert, AlertSeverity } from '@outpost/protocol';
import { api } from '../../app/api.js';
import { num } from '../../app/format.js';
import { Link, href, navigate, useLocation } from '../../app/router.js';
import { useLiveEvent } from '../../app/live.js';
import { useCan } from '../../app/session.js';
import { useAction, useAsync } from '../../app/use-async.js';
import { Empty, ErrorBox, Loading, PageHeader, TabPanel, Tabs, Time } from '../../ui/bits.js';
import { Dialog } from '../../ui/dialog.js';
import { AlertRules } from './alert-rules.js';
import { Channels } from '../notifications/channels.js';
import { DeadLetters } from '../notifications/dead-letters.js';
import { SeverityBadge } from './severity.js';

const SEVERITIES: AlertSeverity[] = ['critical', 'warning', 'info'];
const STATES = [
  ['open', 'Open'],
  ['firing', 'Firing'],
  ['acknowledged', 'Acknowledged'],
  ['resolved', 'Resolved'],
] as const;

/** Acknowledge or resolve with a note; the note lands in the alert's history and the audit log. */
function NoteDialog({ alert, kind, onClose, onDone }: { alert: Alert; kind: 'ack' | 'resolve'; onClose(): void; onDone(): void }) {
  const [note, setNote] = useState('');
  const act = useAction();
  async function submit() {
    const r = await act.perform(() => (kind === 'ack' ? api.alerts.ack(alert.id, note.trim() || undefined) : api.alerts.resolve(alert.id, note.trim() || undefined)));
    if (r) onDone();
  }
  return (
    <Dialog title={kind === 'ack' ? 'Acknowledge alert' : 'Resolve alert'} open onClose={onClose} onSubmit={() => void submit()} submitLabel={kind === 'ack' ? 'Acknowledge' : 'Resolve'} busy={act.busy}>
      <p>
        <SeverityBadge severity={alert.severity} /> {alert.ruleName} on <strong>{alert.deviceName}</strong>: {alert.text}
      </p>
      <div className="field">
        <label htmlFor="alert-note">Note</label>
        <textarea id="alert-note" rows={3} value={note} onChange={(e) => setNote(e.target.value)} maxLength={1024} placeholder={kind === 'ack' ? 'Who is on it, what is being done' : 'What fixed it'} autoFocus />
      </div>
      <ErrorBox error={act.error} />
    </Dialog>
  );
}

function History({ id, onClose }: { id: string; onClose(): void }) {
  const a = useAsync(() => api.alerts.get(id), [id]);
  return (
    <Dialog title="Alert history" open onClose={onClose} wide>
      <ErrorBox error={a.error} />
      {a.data ? (
        <ol className="history">
          {a.data.history.map((h, i) => (
            <li key={i}>
              <strong>{h.event}</strong> <Time iso={h.at} /> by {h.actor}
              {h.note ? <div className="muted">“{h.note}”</div> : null}
            </li>
          ))}
        </ol>
      ) : (
        <Loading />
      )}
    </Dialog>
  );
}

/** Alerts list for the whole fleet or one device. */
export function AlertList({ deviceId, onChanged }: { deviceId?: string; onChanged?(): void }) {
  const can = useCan();
  const { query } = useLocation();
  const state = (query.get('state') ?? 'open') as (typeof STATES)[number][0];
  const severity = (query.get('severity') ?? undefined) as AlertSeverity | undefined;
  const list = useAsync(() => api.alerts.list({ state, severity, device: deviceId, limit: 200 }), [state, severity, deviceId]);
  useLiveEvent('alerts', () => list.reload());
  const [note, setNote] = useState<{ alert: Alert; kind: 'ack' | 'resolve' } | null>(null);
  const [history, setHistory] = useState<string | null>(null);
  const set = (q: Record<string, string | undefined>) => navigate(href(window.location.pathname, { tab: query.get('tab') ?? undefined, state, severity, ...q }));
  return (
    <>
      <div className="row filters-inline" role="group" aria-label="Alert filters">
        <div className="segmented" role="group" aria-label="State">
          {STATES.map(([s, label]) => (
            <button key={s} type="button" aria-pressed={state === s} onClick={() => set({ state: s })}>
              {label}
            </button>
          ))}
        </div>
        <label className="page-size">
          Severity
          <select value={severity ?? ''} onChange={(e) => set({ severity: e.target.value || undefined })}>
            <option value="">any</option>
            {SEVERITIES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
      </div>
      <ErrorBox error={list.error} />
      {list.loading && !list.data ? <Loading /> : null}
      {list.data?.items.length === 0 ? <Empty>{state === 'open' ? 'Nothing needs attention.' : 'No alerts in this view.'}</Empty> : null}
      {list.data && list.data.items.length > 0 ? (
        <div className="table-wrap">
          <table className="data" data-testid="alerts-table">
            <thead>
              <tr>
                <th scope="col">Severity</th>
                <th scope="col">Alert</th>
                {deviceId ? null : <th scope="col">Device</th>}
                <th scope="col">Fired</th>
                <th scope="col">State</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((a) => (
                <tr key={a.id} className={a.state === 'firing' && a.severity === 'critical' ? 'row-bad' : undefined}>
                  <td>
                    <SeverityBadge severity={a.severity} />
                  </td>
                  <td>
                    <div className="strong">{a.ruleName}</div>
                    <div className="muted small">{a.text}</div>
                  </td>
                  {deviceId ? null : (
                    <td>
                      <Link to={`/devices/${encodeURIComponent(a.deviceId)}`}>{a.deviceName}</Link>
                    </td>
                  )}
                  <td>
                    <Time iso={a.firedAt} />
                  </td>
                  <td>
                    {a.state}
                    {a.flapping ? <span className="badge sev-warning">flapping</span> : null}
                    {a.ackedBy ? <div className="muted small">by {a.ackedBy}{a.ackNote ? `: “${a.ackNote}”` : ''}</div> : null}
                  </td>
                  <td className="actions">
                    <button type="button" className="link" onClick={() => setHistory(a.id)}>
                      History
                    </button>
                    {can('operator') && a.state === 'firing' ? (
                      <button type="button" className="link" data-mutates="" onClick={() => setNote({ alert: a, kind: 'ack' })}>
                        Acknowledge
                      </button>
                    ) : null}
                    {can('operator') && a.state !== 'resolved' ? (
                      <button type="button" className="link" data-mutates="" onClick={() => setNote({ alert: a, kind: 'resolve' })}>
                        Resolve
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {note ? (
        <NoteDialog
          alert={note.alert}
          kind={note.kind}
          onClose={() => setNote(null)}
          onDone={() => {
            setNote(null);
            list.reload();
            onChanged?.();
          }}
        />
      ) : null}
      {history ? <History id={history} onClose={() => setHistory(null)} /> : null}
    </>
  );
}

const TABS = [
  { id: 'alerts', label: 'Alerts' },
  { id: 'rules', label: 'Rules' },
  { id: 'notifications', label: 'Notifications' },
];

export function AlertsPage() {
  const { query } = useLocation();
  const tab = TABS.find((t) => t.id === query.get('tab'))?.id ?? 'alerts';
  const summary = useAsync(() => api.alerts.summary(), []);
  useLiveEvent('alerts', (m) => summary.setData((d) => d && { ...d, ...m }));
  const s = summary.data;
  return (
    <>
      <PageHeader
        title="Alerts"
        subtitle={s ? `${num(s.firing)} firing, ${num(s.acknowledged)} acknowledged · ${SEVERITIES.map((v) => `${num(s.bySeverity[v] ?? 0)} ${v}`).join(', ')}` : 'Rules watch the fleet; alerts are what they found.'}
      />
      <Tabs tabs={TABS} current={tab} onChange={(t) => navigate(href('/alerts', { tab: t === 'alerts' ? undefined : t }))} label="Alerts sections" />
      <TabPanel id={tab}>
        {tab === 'alerts' ? <AlertList onChanged={summary.reload} /> : null}
        {tab === 'rules' ? <AlertRules /> : null}
        {tab === 'notifications' ? (
          <div className="stack">
            <Channels />
            <DeadLetters />
          </div>
        ) : null}
      </TabPanel>
    </>
  );
}
