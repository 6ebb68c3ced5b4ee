import { useState } from 'react';
import { AUTOMATIONS_ROUTES } from '@outpost/protocol';
import { api } from '../../app/api.js';
import type { Automation, AutomationRun } from '../../app/route-types.js';
import { Link, navigate } from '../../app/router.js';
import { useCan } from '../../app/session.js';
import { useAsync } from '../../app/use-async.js';
import { loadRoute } from '../../app/use-route.js';
import { PageHeader, StateBadge, Time } from '../../ui/bits.js';
import { DataTable, type Column } from '../../ui/data-table.js';
import { targetText, triggerText } from './automation-text.js';
import { RunDialog } from './run-dialog.js';

export interface AutomationRow extends Automation {
  lastRun: AutomationRun | null;
  /** The next time a schedule's occurrence is due, when the automation carries out a schedule. */
  nextAt: string | null;
}

// The last run of each listed automation is read beside the list (one small request each,
// for the first LAST_RUNS of them).
const LAST_RUNS = 100;

async function loadRows(): Promise<AutomationRow[]> {
  const [list, upcoming] = await Promise.all([
    loadRoute(AUTOMATIONS_ROUTES.list),
    loadRoute(AUTOMATIONS_ROUTES.upcoming, { query: { limit: 200 } }),
  ]);
  const lastOf = (name: string) =>
    loadRoute(AUTOMATIONS_ROUTES.runs, { params: { name }, query: { limit: 1 } }).then((r) => r.items[0] ?? null);
  const last = await Promise.all(list.items.map((a, i) => (i < LAST_RUNS ? lastOf(a.name) : Promise.resolve(null))));
  return list.items.map((a, i) => ({
    ...a,
    lastRun: last[i],
    nextAt: upcoming.items.find((o) => o.scheduleId === a.scheduleId)?.at ?? null,
  }));
}

export function NextRun({ a }: { a: AutomationRow }) {
  if (!a.enabled) return <span className="muted">disabled</span>;
  if (a.nextAt) return <Time iso={a.nextAt} />;
  if (a.trigger.kind === 'cron') return <span className="mono small">{a.trigger.cron}</span>;
  return <span className="muted">on its trigger</span>;
}

const COLUMNS: Column<AutomationRow>[] = [
  {
    key: 'name',
    header: 'Automation',
    cell: (a) => (
      <Link to={`/automations/${encodeURIComponent(a.name)}`} className="strong">
        {a.name}
      </Link>
    ),
  },
  { key: 'trigger', header: 'Trigger', cell: (a) => triggerText(a.trigger), fit: 'ellipsis', width: '14rem' },
  { key: 'target', header: 'Target', cell: (a) => targetText(a.target), fit: 'ellipsis', width: '14rem' },
  {
    key: 'enabled',
    header: 'Enabled',
    cell: (a) => <span className={`badge tone-${a.enabled ? 'good' : 'neutral'}`}>{a.enabled ? 'yes' : 'no'}</span>,
  },
  { key: 'version', header: 'Version', align: 'right', cell: (a) => <span data-testid="version">v{a.version}</span> },
  {
    key: 'last',
    header: 'Last run',
    cell: (a) =>
      a.lastRun ? (
        <>
          <StateBadge state={a.lastRun.state} /> <Time iso={a.lastRun.createdAt} />
        </>
      ) : (
        <span className="muted">never</span>
      ),
  },
  { key: 'next', header: 'Next run', cell: (a) => <NextRun a={a} /> },
];

/** Every automation the caller can see, with its last and next run; operators run, enable and disable them. */
export function AutomationsPage() {
  const can = useCan();
  const rows = useAsync(loadRows, []);
  const [running, setRunning] = useState<AutomationRow | null>(null);
  const toggle = async (a: AutomationRow) => {
    await (a.enabled ? api.automations.disable(a.name) : api.automations.enable(a.name));
    rows.reload();
  };
  return (
    <>
      <PageHeader
        title="Automations"
        subtitle="A trigger, the devices it acts on, steps in order and guards around them. Every change is a new version."
        actions={
          can('operator') ? (
            <button type="button" className="primary" data-mutates="" onClick={() => navigate('/automations/new')}>
              New automation…
            </button>
          ) : null
        }
      />
      <DataTable
        columns={COLUMNS}
        rows={rows.data}
        rowKey={(a) => a.id}
        loading={rows.loading}
        error={rows.error}
        testId="automations-table"
        label="Automations"
        empty="No automations yet."
        actions={[
          {
            label: 'Run now…',
            name: (a) => `Run ${a.name} now`,
            min: 'operator',
            hidden: (a) => !a.enabled,
            onClick: (a) => setRunning(a),
          },
          {
            label: (a) => (a.enabled ? 'Disable' : 'Enable'),
            name: (a) => `${a.enabled ? 'Disable' : 'Enable'} ${a.name}`,
            min: 'operator',
            onClick: (a) => void toggle(a).catch(() => rows.reload()),
          },
        ]}
      />
      {running ? <RunDialog automation={running} onClose={() => setRunning(null)} /> : null}
    </>
  );
}
