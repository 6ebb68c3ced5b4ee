import { useState } from 'react';
import { AUTOMATIONS_ROUTES, type AutomationStep } from '@outpost/protocol';
import { api } from '../../app/api.js';
import { duration, num } from '../../app/format.js';
import type { AutomationRun } from '../../app/route-types.js';
import { Link, navigate } from '../../app/router.js';
import { useCan } from '../../app/session.js';
import { useAsync } from '../../app/use-async.js';
import { loadRoute, useRoute } from '../../app/use-route.js';
import { ErrorBox, Facts, Loading, PageHeader, StateBadge, Time } from '../../ui/bits.js';
import { DataTable, type Column } from '../../ui/data-table.js';
import { guardsText, stepText, targetText, triggerText } from './automation-text.js';
import { RunDialog } from './run-dialog.js';
import { ACTIVE_RUN_STATES, runPath, usePollTick } from './use-polling.js';

export function RunCounts({ counts }: { counts: Record<string, number> }) {
  const parts = Object.entries(counts).filter(([, n]) => n);
  if (!parts.length) return <span className="muted">–</span>;
  return <span className="small">{parts.map(([k, n]) => `${num(n)} ${k.replace(/_/g, ' ')}`).join(' · ')}</span>;
}

const RUN_COLUMNS: Column<AutomationRun>[] = [
  {
    key: 'id',
    header: 'Run',
    cell: (r) => (
      <Link to={runPath(r)} className="mono">
        {r.id}
      </Link>
    ),
  },
  { key: 'state', header: 'State', cell: (r) => <StateBadge state={r.state} /> },
  { key: 'version', header: 'Version', align: 'right', cell: (r) => `v${r.version}` },
  {
    key: 'trigger',
    header: 'Trigger',
    cell: (r) => `${r.trigger.kind}${r.trigger.deviceId ? ` (${r.trigger.deviceId})` : ''}`,
  },
  { key: 'devices', header: 'Devices', cell: (r) => <RunCounts counts={r.counts} /> },
  {
    key: 'started',
    header: 'Started',
    cell: (r) => (
      <>
        <Time iso={r.createdAt} /> <span className="muted">by {r.startedBy}</span>
      </>
    ),
  },
  {
    key: 'finished',
    header: 'Finished',
    cell: (r) => (r.finishedAt ? <Time iso={r.finishedAt} /> : <span className="muted">–</span>),
  },
];

function outcomeText(s: AutomationStep): string {
  const on = s.on ?? {};
  const parts = Object.entries(on).map(([o, a]) => `${o} → ${a.replace('_', ' ')}`);
  return [s.timeoutS ? `limit ${duration(s.timeoutS)}` : '', ...parts].filter(Boolean).join(', ');
}

/** One automation: its current version, its steps and guards, and its runs (read again while one is active). */
export function AutomationPage({ name }: { name: string }) {
  const can = useCan();
  const [version, setVersion] = useState<number | undefined>(undefined);
  const [running, setRunning] = useState(false);
  const auto = useRoute(AUTOMATIONS_ROUTES.get, { params: { name }, query: { version } });
  const latest = useRoute(AUTOMATIONS_ROUTES.get, { params: { name } });
  const [active, setActive] = useState(false);
  const tick = usePollTick(active);
  const runs = useAsync(async () => {
    const r = await loadRoute(AUTOMATIONS_ROUTES.runs, { params: { name }, query: { limit: 50 } });
    setActive(r.items.some((x) => ACTIVE_RUN_STATES.has(x.state)));
    return r;
  }, [name, tick]);

  if (!auto.data) return auto.error ? <ErrorBox error={auto.error} /> : <Loading />;
  const a = auto.data;
  const newest = latest.data?.version ?? a.version;
  async function toggle() {
    await (a.enabled ? api.automations.disable(a.name) : api.automations.enable(a.name));
    auto.reload();
    latest.reload();
  }
  return (
    <>
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to="/automations">Automations</Link> <span aria-hidden="true">/</span> <span>{a.name}</span>
      </nav>
      <PageHeader
        title={
          <>
            {a.name}{' '}
            <span className="badge tone-neutral" data-testid="automation-version">
              v{a.version}
            </span>{' '}
            <span className={`badge tone-${a.enabled ? 'good' : 'neutral'}`}>{a.enabled ? 'enabled' : 'disabled'}</span>
          </>
        }
        subtitle={a.description ?? undefined}
        actions={
          can('operator') && a.version === newest ? (
            <>
              <button
                type="button"
                className="secondary"
                data-mutates=""
                onClick={() => navigate(`/automations/${encodeURIComponent(a.name)}/edit`)}
              >
                Edit
              </button>
              <button type="button" className="secondary" data-mutates="" onClick={() => void toggle()}>
                {a.enabled ? 'Disable' : 'Enable'}
              </button>
              {a.enabled ? (
                <button type="button" className="primary" data-mutates="" onClick={() => setRunning(true)}>
                  Run now…
                </button>
              ) : null}
            </>
          ) : null
        }
      />
      <div className="stack">
        <section className="card" aria-label="Definition">
          <div className="card-head">
            <h2>Definition</h2>
            <label className="row small">
              Version{' '}
              <select value={a.version} onChange={(e) => setVersion(Number(e.target.value))} aria-label="Show version">
                {Array.from({ length: newest }, (_, i) => newest - i).map((v) => (
                  <option key={v} value={v}>
                    v{v}
                    {v === newest ? ' (current)' : ''}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <Facts
            rows={[
              ['Trigger', triggerText(a.trigger)],
              ['Target', targetText(a.target)],
              ['Guards', guardsText(a.guards)],
              [
                'Changed',
                <>
                  <Time iso={a.updatedAt} /> by {a.createdBy}
                </>,
              ],
            ]}
          />
          <h3>Steps</h3>
          <ol className="steps-summary" data-testid="steps-summary">
            {a.steps.map((s, i) => (
              <li key={i}>
                {s.label ? <strong>{s.label}: </strong> : null}
                <code>{stepText(s)}</code> <span className="muted small">{outcomeText(s)}</span>
              </li>
            ))}
          </ol>
        </section>
        <section aria-labelledby="runs-h" className="stack">
          <h2 id="runs-h">Runs</h2>
          <DataTable
            columns={RUN_COLUMNS}
            rows={runs.data?.items}
            rowKey={(r) => r.id}
            loading={runs.loading}
            error={runs.error}
            testId="automation-runs"
            label="Runs"
            empty="No runs yet."
          />
        </section>
      </div>
      {running ? (
        <RunDialog
          automation={a}
          onClose={() => {
            setRunning(false);
            runs.reload();
          }}
        />
      ) : null}
    </>
  );
}
