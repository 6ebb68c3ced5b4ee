import { useState } from 'react';
import { UPDATES_ROUTES, type JobState } from '@outpost/protocol';
import { useRoute } from '../../app/use-route.js';
import { api } from '../../app/api.js';
import { absolute, num } from '../../app/format.js';
import { useLiveEvent, useLiveFallback } from '../../app/live.js';
import { Link } from '../../app/router.js';
import { useCan } from '../../app/session.js';
import { useAction } from '../../app/use-async.js';
import { ErrorBox, Loading, PageHeader, StateBadge } from '../../ui/bits.js';
import { ConfirmAction, type ConfirmSpec } from '../../ui/confirm-action.js';
import { DataTable } from '../../ui/data-table.js';
import { JOB_COLUMNS, WAVE_COLUMNS } from './rollout-columns.js';
import { Progress, WindowNote } from './rollouts-page.js';
import { RolloutPlan } from './rollout-plan.js';

const LIVE = ['running', 'paused', 'scheduled'];

/** A rollout: its waves with per-state counts, the jobs that went wrong, and its controls. */
export function RolloutPage({ id }: { id: string }) {
  const can = useCan();
  const r = useRoute(UPDATES_ROUTES.rollout, { params: { id } });
  const [jobState, setJobState] = useState<JobState | ''>('failed');
  const jobs = useRoute(
    UPDATES_ROUTES.rolloutJobs,
    { params: { id }, query: jobState ? { state: jobState, limit: 100 } : { limit: 100 } },
    [r.data?.counts ? JSON.stringify(r.data.counts) : ''],
  );
  const act = useAction();
  const live = r.data ? LIVE.includes(r.data.state) : false;
  // Progress arrives on the live stream; the record is read again only while the stream is down.
  useLiveEvent('rollout', (m) => m.id === id && r.setData((d) => (d ? { ...d, ...m } : d)));
  useLiveFallback(r.reload);
  if (r.loading && !r.data) return <Loading />;
  if (!r.data) return <ErrorBox error={r.error} />;
  const ro = r.data;
  const control = (verb: 'pause' | 'resume' | 'approve' | 'start') =>
    void act.perform(() => api.rollouts[verb](ro.id)).then((x) => x && r.reload());
  const awaiting = ro.waves.some((w) => w.state === 'awaiting_approval');
  const stop = (how: 'cancel' | 'abort'): ConfirmSpec => ({
    title: how === 'abort' ? 'Abort the rollout' : 'Cancel the rollout',
    confirmLabel: how === 'abort' ? 'Abort' : 'Cancel rollout',
    body: (
      <p>
        {how === 'abort'
          ? `Stops at once: jobs in flight are told to stop${ro.options.rollbackOnAbort ? ', and devices that already updated go back to their previous version' : ''}.`
          : 'No new device starts; devices already updating finish.'}
      </p>
    ),
    count: ro.total - (ro.counts.succeeded ?? 0),
    total: ro.total,
    noun: ['device has not succeeded yet', 'devices have not succeeded yet'],
    run: () => (how === 'abort' ? api.rollouts.abort(ro.id, 'aborted from the console') : api.rollouts.cancel(ro.id)),
    onDone: r.reload,
  });
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
            {ro.artifact ? `${ro.artifact.name} ${ro.artifact.version}` : ro.artifactId} to {num(ro.total)} devices (
            {ro.target.group ? `group ${ro.target.group}` : <code>{ro.target.filter}</code>}) · started{' '}
            {ro.startedAt ? absolute(ro.startedAt) : 'not yet'}
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
              <ConfirmAction label="Cancel…" className="danger-outline" data-mutates="" spec={stop('cancel')} />
              {ro.state !== 'draft' ? (
                <ConfirmAction label="Abort…" className="danger-outline" data-mutates="" spec={stop('abort')} />
              ) : null}
            </>
          ) : undefined
        }
      />
      <ErrorBox error={act.error} />
      <section className="card">
        <h2>Progress</h2>
        <WindowNote r={ro} />
        <Progress counts={ro.counts} total={ro.total} />
        <div className="section-gap">
          <DataTable
            columns={WAVE_COLUMNS}
            rows={ro.waves}
            rowKey={(w) => w.idx}
            rowProps={(w) => ({
              'aria-current': w.idx === ro.currentWave && ro.state === 'running' ? 'step' : undefined,
            })}
            testId="waves-table"
            bare
          />
        </div>
      </section>
      <RolloutPlan r={ro} />
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
        <DataTable
          columns={JOB_COLUMNS}
          rows={jobs.data?.items}
          rowKey={(j) => j.id}
          error={jobs.error}
          empty="No device in this state."
          bare
        />
      </section>
    </>
  );
}
