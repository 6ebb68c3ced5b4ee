import { useEffect, useState } from 'react';
import { ACCESS_ROUTES, type AccessState } from '@outpost/protocol';
import { api } from '../../app/api.js';
import type { AccessSession } from '../../app/route-types.js';
import { useAction, type AsyncState } from '../../app/use-async.js';
import { useRoute } from '../../app/use-route.js';
import { PageHeader } from '../../ui/bits.js';
import { DataTable, type RowAction } from '../../ui/data-table.js';
import { FormDialog } from '../../ui/form-dialog.js';
import { AccessPolicies } from './access-policies.js';
import { saveRecording } from './recording-download.js';
import {
  deviceColumn,
  endedColumn,
  requestedColumn,
  stateColumn,
  targetColumn,
  trafficColumn,
  whoColumn,
} from './session-columns.js';

const LIVE: AccessState[] = ['requested', 'approved', 'active'];
const PAST: AccessState[] = ['closed', 'expired', 'terminated', 'denied', 'failed'];

/** The kill switch: ends the session at once on both legs (admins). */
function Terminate({ s, onDone }: { s: AccessSession; onDone(): void }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  return (
    <>
      <button type="button" className="danger" data-mutates="" onClick={() => setOpen(true)}>
        Kill
      </button>
      <FormDialog
        title="End this session now"
        open={open}
        onClose={() => setOpen(false)}
        danger
        submitLabel="Kill session"
        onSubmit={() => api.access.terminate(s.id, reason.trim() || 'killed from the console')}
        onDone={() => {
          setOpen(false);
          onDone();
        }}
      >
        <p>
          {s.requestedBy}'s session to <code>{s.target}</code> on {s.deviceId} ends within a second on both sides.
        </p>
        <div className="field">
          <label htmlFor={`kill-${s.id}`}>Reason (audited)</label>
          <input
            id={`kill-${s.id}`}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            maxLength={512}
            autoFocus
          />
        </div>
      </FormDialog>
    </>
  );
}

function Sessions(p: { state: AsyncState<{ items: AccessSession[] }>; live: boolean; empty: string }) {
  const act = useAction();
  const { state: list, live } = p;
  const then = (r: unknown) => r && list.reload();
  const columns = [
    deviceColumn,
    targetColumn,
    whoColumn,
    stateColumn(true),
    live ? requestedColumn : endedColumn,
    trafficColumn(true),
  ];
  const actions: RowAction<AccessSession>[] = [
    {
      label: 'Approve',
      min: 'operator',
      hidden: (s) => !live || s.state !== 'requested',
      onClick: (s) => void act.perform(() => api.access.approve(s.id)).then(then),
    },
    {
      label: 'Deny',
      min: 'operator',
      danger: true,
      hidden: (s) => !live || s.state !== 'requested',
      onClick: (s) => void act.perform(() => api.access.deny(s.id)).then(then),
    },
    {
      label: 'Kill',
      min: 'admin',
      hidden: (s) => !live || s.state !== 'active',
      render: (s) => <Terminate s={s} onDone={list.reload} />,
    },
    {
      label: (s) => (s.recording?.kind === 'pcap' ? 'Capture' : 'Transcript'),
      min: 'operator',
      mutates: false,
      hidden: (s) => live || !s.recording || !!s.recording.deletedAt,
      onClick: (s) => void act.perform(() => saveRecording(s)),
    },
  ];
  return (
    <DataTable
      columns={columns}
      rows={list.data?.items}
      rowKey={(s) => s.id}
      actions={actions}
      loading={live ? list.loading : undefined}
      error={list.error ?? act.error}
      empty={p.empty}
    />
  );
}

/** Remote access: sessions in progress (approve, kill), past sessions with their recordings, policies. */
export function AccessPage() {
  const live = useRoute(ACCESS_ROUTES.sessions, { query: { state: LIVE.join(','), limit: 200 } });
  const past = useRoute(ACCESS_ROUTES.sessions, { query: { state: PAST.join(','), limit: 100 } });
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
      <PageHeader
        title="Remote access"
        subtitle="Sessions to a device's console, serial ports or TCP services, through the hub's relay; every one recorded and audited."
      />
      <h2 className="section-title">In progress</h2>
      <Sessions state={live} live empty="No session is open or waiting." />
      <h2 className="section-title">Past sessions</h2>
      <Sessions state={past} live={false} empty="No session has ended yet." />
      <AccessPolicies />
    </>
  );
}
