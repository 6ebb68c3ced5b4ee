import { useState } from 'react';
import type { JobState } from '@outpost/protocol';
import { api } from '../../app/api.js';
import { absolute, num } from '../../app/format.js';
import { useLiveEvent, useLiveFallback } from '../../app/live.js';
import { Link } from '../../app/router.js';
import { useCan } from '../../app/session.js';
import { useAction, useAsync } from '../../app/use-async.js';
import { Empty, ErrorBox, Loading, PageHeader, StateBadge, Time } from '../../ui/bits.js';
import { Dialog } from '../../ui/dialog.js';
import { Progress } from './rollouts-page.js';

const LIVE = ['running', 'paused', 'scheduled'];

/** A rollout: its waves with per-state counts, the jobs that went wrong, and its controls. */
export function RolloutPage({ id }: { id: string }) {
  const can = useCan();
  const r = useAsync(() => api.rollouts.get(id), [id]);
  const [jobState, setJobState] = useState<JobState | ''>('failed');
  const jobs = useAsync(() => api.rollouts.jobs(id, jobState ? { state: jobState, limit: 100 } : { limit: 100 }), [id, jobState, r.data?.counts ? JSON.stringify(r.data.counts) : '']);
  const act = useAction();
  const [confirm, setConfirm] = useState<'cancel' | 'abort' | null>(null);
  const live = r.data ? LIVE.includes(r.data.state) : false;
  // Progress arrives on the live stream; the record is read again only while the stream is down.
  useLiveEvent('rollout', (m) => m.id === id && r.setData((d) => (d ? { ...d, ...m } : d)));
  useLiveFallback(r.reload);
  if (r.loading && !r.data) return <Loading />;
  if (!r.data) return <ErrorBox error={r.error} />;
  const ro = r.data;
  const control = (verb: 'pause' | 'resume' | 'approve' | 'start') => void act.perform(() => api.rollouts[verb](ro.id)).then((x) => x && r.reload());
  const awaiting = ro.waves.some((w) => w.state === 'awaiting_approval');
  return (
    <>
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to="/rollouts">Rollouts</Link> <span aria-hidden="true">/</span> <span>{ro.name}</span>
      </nav>
      <PageHeader
        title={
          <>
            {ro.name} <StateBadge state={ro.state} />
          </>
        }
        subtitle={
          <>
            {ro.artifact ? `${ro.artifact.name} ${ro.artifact.version}` : ro.artifactId} to {num(ro.total)} devices ({ro.target.group ? `group ${ro.target.group}` : <code>{ro.target.filter}</code>}) · started {ro.startedAt ? absolute(ro.startedAt) : 'not yet'}
            {ro.reason ? ` · ${ro.reason}` : ''}
          </>
        }
        actions={
          can('operator') && (live || ro.state === 'draft') ? (
            <>
              {ro.state === 'draft' ? (
                <button type="button" className="primary" data-mutates="" onClick={() => control('start')}>
                  Start
                </button>
              ) : null}
              {awaiting ? (
                <button type="button" className="primary" data-mutates="" onClick={() => control('approve')}>
                  Approve next wave
                </button>
              ) : null}
              {ro.state === 'running' ? (
                <button type="button" className="secondary" data-mutates="" onClick={() => control('pause')}>
                  Pause
                </button>
              ) : null}
              {ro.state === 'paused' ? (
                <button type="button" className="secondary" data-mutates="" onClick={() => control('resume')}>
                  Resume
                </button>
              ) : null}
              <button type="button" className="danger-outline" data-mutates="" onClick={() => setConfirm('cancel')}>
                Cancel…
              </button>
              {ro.state !== 'draft' ? (
                <button type="button" className="danger-outline" data-mutates="" onClick={() => setConfirm('abort')}>
                  Abort…
                </button>
              ) : null}
            </>
          ) : undefined
        }
      />
      <ErrorBox error={act.error} />
      <section className="card">
        <h2>Progress</h2>
        <Progress counts={ro.counts} total={ro.total} />
        <table className="data section-gap" data-testid="waves-table">
          <thead>
            <tr>
              <th scope="col">Wave</th>
              <th scope="col" className="num">Devices</th>
              <th scope="col">State</th>
              <th scope="col">Progress</th>
              <th scope="col">By state</th>
            </tr>
          </thead>
          <tbody>
            {ro.waves.map((w) => (
              <tr key={w.idx} aria-current={w.idx === ro.currentWave && ro.state === 'running' ? 'step' : undefined}>
                <td>{w.idx + 1}</td>
                <td className="num">{num(w.size)}</td>
                <td>
                  <StateBadge state={w.state} />
                  {w.approvedBy ? <div className="muted small">approved by {w.approvedBy}</div> : null}
                </td>
                <td className="progress-cell">
                  <Progress counts={w.counts} total={w.size} />
                </td>
                <td className="small">
                  {Object.entries(w.counts)
                    .filter(([, v]) => v)
                    .map(([k, v]) => `${k.replace('_', ' ')} ${v}`)
                    .join(' · ') || '–'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="card section-gap">
        <div className="card-head">
          <h2>Devices</h2>
          <label className="page-size">
            Showing
            <select value={jobState} onChange={(e) => setJobState(e.target.value as JobState | '')}>
              <option value="failed">failed</option>
              <option value="rolled_back">rolled back</option>
              <option value="succeeded">succeeded</option>
              <option value="queued">queued</option>
              <option value="">all</option>
            </select>
          </label>
        </div>
        <ErrorBox error={jobs.error} />
        {jobs.data?.items.length === 0 ? <Empty>No device in this state.</Empty> : null}
        {jobs.data && jobs.data.items.length > 0 ? (
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Wave</th>
                <th scope="col">State</th>
                <th scope="col">From</th>
                <th scope="col">Attempt</th>
                <th scope="col">Last error</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {jobs.data.items.map((j) => (
                <tr key={j.id}>
                  <td>
                    <Link to={`/devices/${encodeURIComponent(j.deviceId)}`}>{j.deviceId}</Link>
                  </td>
                  <td>{j.wave + 1}</td>
                  <td>
                    <StateBadge state={j.state} />
                  </td>
                  <td>{j.fromVersion ?? '–'}</td>
                  <td>{j.attempt}</td>
                  <td className="small">{j.lastError ?? j.reason ?? '–'}</td>
                  <td>
                    <Time iso={j.updatedAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
      <Dialog
        title={confirm === 'abort' ? 'Abort the rollout' : 'Cancel the rollout'}
        open={confirm !== null}
        onClose={() => setConfirm(null)}
        danger
        busy={act.busy}
        submitLabel={confirm === 'abort' ? 'Abort' : 'Cancel rollout'}
        onSubmit={() =>
          void act.perform(() => (confirm === 'abort' ? api.rollouts.abort(ro.id, 'aborted from the console') : api.rollouts.cancel(ro.id))).then((x) => {
            setConfirm(null);
            if (x) r.reload();
          })
        }
      >
        <p>
          {confirm === 'abort'
            ? `Stops at once: jobs in flight are told to stop${ro.options.rollbackOnAbort ? ', and devices that already updated go back to their previous version' : ''}.`
            : 'No new device starts; devices already updating finish.'}{' '}
          {num(ro.total - (ro.counts.succeeded ?? 0))} of {num(ro.total)} devices have not succeeded yet.
        </p>
      </Dialog>
    </>
  );
}
