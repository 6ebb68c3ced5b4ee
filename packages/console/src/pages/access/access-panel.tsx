import { lazy, Suspense, useEffect, useState } from 'react';
import { ACCESS_ROUTES, type AccessOpenResult } from '@outpost/protocol';
import { api } from '../../app/api.js';
import type { AccessSession } from '../../app/route-types.js';
import { useCan } from '../../app/session.js';
import { useAction, useAsync } from '../../app/use-async.js';
import { loadRoute, useRoute } from '../../app/use-route.js';
import { ErrorBox, Loading } from '../../ui/bits.js';
import { DataTable } from '../../ui/data-table.js';
import { Dialog } from '../../ui/dialog.js';
import { requestedColumn, stateColumn, targetColumn, trafficColumn, whoColumn } from './session-columns.js';

// xterm.js is loaded only when a console or a transcript is shown.
const RelayTerminal = lazy(() => import('./relay-terminal.js').then((m) => ({ default: m.RelayTerminal })));
const TranscriptReplay = lazy(() => import('./relay-terminal.js').then((m) => ({ default: m.TranscriptReplay })));

function Replay({ s, onClose }: { s: AccessSession; onClose(): void }) {
  const rec = useAsync(() => api.access.recording(s.id), [s.id]);
  return (
    <Dialog title={`Transcript: ${s.target} on ${s.deviceId}, ${s.requestedBy}`} open onClose={onClose} wide>
      <ErrorBox error={rec.error} />
      {rec.data ? (
        <Suspense fallback={<Loading />}>
          <TranscriptReplay text={rec.data.text} />
          <p className="muted small">SHA-256 sealed by the hub: {rec.data.sha256}</p>
        </Suspense>
      ) : (
        <Loading />
      )}
    </Dialog>
  );
}

/** One device's remote access: open its console in the browser, and its session history. */
export function AccessPanel({ deviceId }: { deviceId: string }) {
  const can = useCan();
  const sessions = useRoute(ACCESS_ROUTES.sessions, { query: { deviceId, limit: 50 } });
  const [reason, setReason] = useState('');
  const [minutes, setMinutes] = useState(30);
  const [open, setOpen] = useState<AccessOpenResult | null>(null);
  const [waiting, setWaiting] = useState<AccessSession | null>(null);
  const [replay, setReplay] = useState<AccessSession | null>(null);
  const act = useAction();
  const { perform } = act;
  const reload = sessions.reload;

  // A policy that wants a second person: wait for the approval, then open.
  useEffect(() => {
    if (!waiting) return;
    const t = window.setInterval(async () => {
      const s = await loadRoute(ACCESS_ROUTES.session, { params: { id: waiting.id } }).catch(() => null);
      if (s?.state === 'approved') {
        setWaiting(null);
        const r = await perform(() => api.access.open(s.id));
        if (r) setOpen(r);
      } else if (s && s.state !== 'requested') {
        setWaiting(null);
        reload();
      }
    }, 2000);
    return () => window.clearInterval(t);
  }, [waiting, perform, reload]);

  async function start() {
    const r = await act.perform(() =>
      api.access.request({ deviceId, target: 'console', reason: reason.trim() || undefined, durationS: minutes * 60 }),
    );
    if (!r) return;
    if (r.operatorToken) setOpen(r);
    else setWaiting(r.session);
    sessions.reload();
  }

  return (
    <div className="stack">
      {open ? (
        <Suspense fallback={<Loading label="Loading the terminal…" />}>
          <RelayTerminal open={open} onEnded={() => sessions.reload()} />
          <div>
            <button
              type="button"
              className="link"
              onClick={() => {
                setOpen(null);
                sessions.reload();
              }}
            >
              Close the terminal
            </button>
          </div>
        </Suspense>
      ) : can('operator') ? (
        <form
          className="card command-form"
          aria-label="Open the device console"
          onSubmit={(e) => {
            e.preventDefault();
            void start();
          }}
        >
          <div className="field grow">
            <label htmlFor="acc-reason">Reason (kept with the session)</label>
            <input
              id="acc-reason"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              maxLength={512}
              placeholder="ticket, what you will change"
            />
          </div>
          <div className="field">
            <label htmlFor="acc-minutes">For (minutes)</label>
            <input
              id="acc-minutes"
              type="number"
              min={1}
              max={24 * 60}
              value={minutes}
              onChange={(e) => setMinutes(Number(e.target.value))}
            />
          </div>
          <button type="submit" className="primary" data-mutates="" disabled={act.busy || waiting !== null}>
            {waiting ? 'Waiting for approval…' : 'Open console'}
          </button>
          <div className="span-all">
            <ErrorBox error={act.error} />
          </div>
        </form>
      ) : null}
      <h3>Sessions</h3>
      <DataTable
        columns={[targetColumn, whoColumn, stateColumn(false), requestedColumn, trafficColumn(false)]}
        rows={sessions.data?.items}
        rowKey={(s) => s.id}
        actions={[
          {
            label: 'Replay',
            min: 'operator',
            mutates: false,
            hidden: (s) => !(s.recording?.kind === 'asciicast' && !s.recording.deletedAt && s.endedAt),
            onClick: setReplay,
          },
        ]}
        error={sessions.error}
        empty="No remote session to this device yet."
      />
      {replay ? <Replay s={replay} onClose={() => setReplay(null)} /> : null}
    </div>
  );
}
