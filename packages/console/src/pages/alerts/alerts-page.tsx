import { useState } from 'react';
import type { Alert, AlertSeverity } from '@outpost/protocol';
import { api } from '../../app/api.js';
import { num } from '../../app/format.js';
import { href, navigate, useLocation } from '../../app/router.js';
import { useLiveEvent } from '../../app/live.js';
import { useAsync } from '../../app/use-async.js';
import { PageHeader, TabPanel, Tabs, Time } from '../../ui/bits.js';
import { AsyncBlock } from '../../ui/async-block.js';
import { DataTable } from '../../ui/data-table.js';
import { Dialog } from '../../ui/dialog.js';
import { FormDialog } from '../../ui/form-dialog.js';
import { AlertRules } from './alert-rules.js';
import { alertColumns } from './alert-columns.js';
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
function NoteDialog({
  alert,
  kind,
  onClose,
  onDone,
}: {
  alert: Alert;
  kind: 'ack' | 'resolve';
  onClose(): void;
  onDone(): void;
}) {
  const [note, setNote] = useState('');
  const send = () => (kind === 'ack' ? api.alerts.ack : api.alerts.resolve)(alert.id, note.trim() || undefined);
  return (
    <FormDialog
      title={kind === 'ack' ? 'Acknowledge alert' : 'Resolve alert'}
      open
      onClose={onClose}
      onSubmit={send}
      onDone={onDone}
      submitLabel={kind === 'ack' ? 'Acknowledge' : 'Resolve'}
    >
      <p>
        <SeverityBadge severity={alert.severity} /> {alert.ruleName} on <strong>{alert.deviceName}</strong>:{' '}
        {alert.text}
      </p>
      <div className="field">
        <label htmlFor="alert-note">Note</label>
        <textarea
          id="alert-note"
          rows={3}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          maxLength={1024}
          placeholder={kind === 'ack' ? 'Who is on it, what is being done' : 'What fixed it'}
          autoFocus
        />
      </div>
    </FormDialog>
  );
}

function History({ id, onClose }: { id: string; onClose(): void }) {
  const a = useAsync(() => api.alerts.get(id), [id]);
  return (
    <Dialog title="Alert history" open onClose={onClose} wide>
      <AsyncBlock state={a}>
        {(d) => (
          <ol className="history">
            {d.history.map((h, i) => (
              <li key={i}>
                <strong>{h.event}</strong> <Time iso={h.at} /> by {h.actor}
                {h.note ? <div className="muted">“{h.note}”</div> : null}
              </li>
            ))}
          </ol>
        )}
      </AsyncBlock>
    </Dialog>
  );
}

/** Alerts list for the whole fleet or one device. */
export function AlertList({ deviceId, onChanged }: { deviceId?: string; onChanged?(): void }) {
  const { query } = useLocation();
  const state = (query.get('state') ?? 'open') as (typeof STATES)[number][0];
  const severity = (query.get('severity') ?? undefined) as AlertSeverity | undefined;
  const list = useAsync(
    () => api.alerts.list({ state, severity, device: deviceId, limit: 200 }),
    [state, severity, deviceId],
  );
  useLiveEvent('alerts', () => list.reload());
  const [note, setNote] = useState<{ alert: Alert; kind: 'ack' | 'resolve' } | null>(null);
  const [history, setHistory] = useState<string | null>(null);
  const set = (q: Record<string, string | undefined>) =>
    navigate(href(window.location.pathname, { tab: query.get('tab') ?? undefined, state, severity, ...q }));
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
      <DataTable
        columns={alertColumns(!deviceId)}
        rows={list.data?.items}
        rowKey={(a) => a.id}
        rowClass={(a) => (a.state === 'firing' && a.severity === 'critical' ? 'row-bad' : undefined)}
        actions={[
          { label: 'History', mutates: false, onClick: (a) => setHistory(a.id) },
          {
            label: 'Acknowledge',
            min: 'operator',
            hidden: (a) => a.state !== 'firing',
            onClick: (a) => setNote({ alert: a, kind: 'ack' }),
          },
          {
            label: 'Resolve',
            min: 'operator',
            hidden: (a) => a.state === 'resolved',
            onClick: (a) => setNote({ alert: a, kind: 'resolve' }),
          },
        ]}
        loading={list.loading}
        error={list.error}
        empty={state === 'open' ? 'Nothing needs attention.' : 'No alerts in this view.'}
        testId="alerts-table"
      />
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
        subtitle={
          s
            ? `${num(s.firing)} firing, ${num(s.acknowledged)} acknowledged · ${SEVERITIES.map((v) => `${num(s.bySeverity[v] ?? 0)} ${v}`).join(', ')}`
            : 'Rules watch the fleet; alerts are what they found.'
        }
      />
      <Tabs
        tabs={TABS}
        current={tab}
        onChange={(t) => navigate(href('/alerts', { tab: t === 'alerts' ? undefined : t }))}
        label="Alerts sections"
      />
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
