import { useState } from 'react';
import { rolloutStateText, tallyJobs, UPDATES_ROUTES, type JobState } from '@outpost/protocol';
import type { ArtifactRecord, RolloutRecord } from '../../app/route-types.js';
import { num } from '../../app/format.js';
import { useLiveEvent, useLiveFallback, type RolloutProgress } from '../../app/live.js';
import { Link, href, navigate, useLocation } from '../../app/router.js';
import { useCan } from '../../app/session.js';
import type { AsyncState } from '../../app/use-async.js';
import { useRoute } from '../../app/use-route.js';
import { PageHeader, StateBadge, TabPanel, Tabs, Time } from '../../ui/bits.js';
import { DataTable, type Column } from '../../ui/data-table.js';
import { RolloutWizard } from './rollout-wizard.js';

/** A running rollout outside its maintenance window: when it opens, instead of "0 in flight". */
export function WindowNote({ r }: { r: Pick<RolloutRecord, 'state' | 'window'> }) {
  const text = rolloutStateText(r);
  return text === r.state ? null : (
    <div className="muted small" data-testid="rollout-window">
      {text}
    </div>
  );
}

/** One bar per rollout or wave: succeeded, failed, in flight, waiting. */
export function Progress({ counts, total }: { counts: Partial<Record<JobState, number>>; total: number }) {
  const t = tallyJobs(counts, total);
  const ok = t.succeeded;
  const bad = t.failed;
  const skipped = t.skipped + t.canceled;
  const done = t.done;
  const active = t.inFlight;
  const w = (n: number) => `${total ? (n / total) * 100 : 0}%`;
  return (
    <div
      className="progress"
      role="img"
      aria-label={`${ok} succeeded, ${bad} failed, ${active} in progress of ${total}`}
    >
      <div className="progress-bar">
        <span className="p-ok" style={{ width: w(ok) }} />
        <span className="p-bad" style={{ width: w(bad) }} />
        <span className="p-skip" style={{ width: w(skipped) }} />
        <span className="p-active" style={{ width: w(active) }} />
      </div>
      <span className="progress-text">
        {num(done)} / {num(total)}
        {bad ? <span className="bad"> · {num(bad)} failed</span> : null}
      </span>
    </div>
  );
}

const OPEN = ['draft', 'scheduled', 'running', 'paused'];

/**
 * Keeps a list of rollouts current from the live stream: a known rollout is updated in place,
 * a new one (not listed yet, still open) makes the list load again. Read again while the stream is down.
 */
export function useLiveRollouts(list: AsyncState<{ items: RolloutRecord[] }>) {
  useLiveEvent('rollout', (m: RolloutProgress) => {
    if (!list.data) return;
    if (list.data.items.some((x) => x.id === m.id))
      list.setData((d) => d && { ...d, items: d.items.map((x) => (x.id === m.id ? { ...x, ...m } : x)) });
    else if (OPEN.includes(m.state)) list.reload();
  });
  useLiveFallback(list.reload);
}

const ROLLOUT_COLUMNS: Column<RolloutRecord>[] = [
  {
    key: 'name',
    header: 'Rollout',
    cell: (r) => (
      <Link to={`/rollouts/${encodeURIComponent(r.id)}`} className="strong">
        {r.name}
      </Link>
    ),
  },
  {
    key: 'artifact',
    header: 'Artifact',
    cell: (r) => (r.artifact ? `${r.artifact.name} ${r.artifact.version}` : r.artifactId),
  },
  {
    key: 'state',
    header: 'State',
    cell: (r) => (
      <>
        <StateBadge state={r.state} />
        {r.state === 'running' ? (
          <div className="muted small">
            wave {r.currentWave + 1} of {r.waves.length}
          </div>
        ) : null}
        <WindowNote r={r} />
      </>
    ),
  },
  {
    key: 'progress',
    header: 'Progress',
    className: 'progress-cell',
    cell: (r) => <Progress counts={r.counts} total={r.total} />,
  },
  {
    key: 'created',
    header: 'Created',
    cell: (r) => (
      <>
        <Time iso={r.createdAt} /> <span className="muted">by {r.createdBy}</span>
      </>
    ),
  },
];

function RolloutsList() {
  const can = useCan();
  const list = useRoute(UPDATES_ROUTES.rollouts);
  const [wizard, setWizard] = useState(false);
  useLiveRollouts(list);
  return (
    <div className="stack">
      {can('operator') ? (
        <div>
          <button type="button" className="primary" data-mutates="" onClick={() => setWizard(true)}>
            New rollout…
          </button>
        </div>
      ) : null}
      <DataTable
        columns={ROLLOUT_COLUMNS}
        rows={list.data?.items}
        rowKey={(r) => r.id}
        loading={list.loading}
        error={list.error}
        empty="No rollouts yet."
      />
      {wizard ? (
        <RolloutWizard
          onClose={() => {
            setWizard(false);
            list.reload();
          }}
        />
      ) : null}
    </div>
  );
}

const ARTIFACT_COLUMNS: Column<ArtifactRecord>[] = [
  {
    key: 'name',
    header: 'Artifact',
    className: 'strong',
    cell: (a) => (
      <>
        {a.name} {a.version}
        {a.releaseNotes ? <div className="muted small">{a.releaseNotes}</div> : null}
      </>
    ),
  },
  { key: 'kind', header: 'Kind', cell: (a) => a.kind },
  { key: 'models', header: 'Models', cell: (a) => a.models.join(', ') || 'any' },
  {
    key: 'content',
    header: 'Content',
    cell: (a) =>
      a.sha256 ? <code title={a.sha256}>{num(a.length)} bytes</code> : <span className="muted">not uploaded</span>,
  },
  { key: 'signed', header: 'Signed', cell: (a) => (a.manifest ? 'yes' : <span className="muted">no</span>) },
  { key: 'created', header: 'Created', cell: (a) => <Time iso={a.createdAt} /> },
];

function Artifacts() {
  const list = useRoute(UPDATES_ROUTES.artifacts);
  return (
    <DataTable
      columns={ARTIFACT_COLUMNS}
      rows={list.data?.items}
      rowKey={(a) => a.id}
      error={list.error}
      empty="No artifacts. Create and upload them with the CLI (outpost artifacts …)."
    />
  );
}

export function RolloutsPage() {
  const { query } = useLocation();
  const tab = query.get('tab') === 'artifacts' ? 'artifacts' : 'rollouts';
  return (
    <>
      <PageHeader
        title="Artifacts and rollouts"
        subtitle="Software goes out in waves; each wave must succeed before the next one starts."
      />
      <Tabs
        tabs={[
          { id: 'rollouts', label: 'Rollouts' },
          { id: 'artifacts', label: 'Artifacts' },
        ]}
        current={tab}
        onChange={(t) => navigate(href('/rollouts', { tab: t === 'artifacts' ? t : undefined }))}
        label="Rollout sections"
      />
      <TabPanel id={tab}>{tab === 'rollouts' ? <RolloutsList /> : <Artifacts />}</TabPanel>
    </>
  );
}
