import { useState } from 'react';
import { DIAGNOSTICS_ROUTES } from '@outpost/protocol';
import { useRoute, type RouteResponse } from '../../app/use-route.js';
import { num } from '../../app/format.js';
import { Link, navigate, useLocation } from '../../app/router.js';
import { useCan } from '../../app/session.js';
import { PageHeader, StateBadge, Time } from '../../ui/bits.js';
import { DataTable, type Column } from '../../ui/data-table.js';
import { RunForm } from './run-form.js';

type RunRow = RouteResponse<typeof DIAGNOSTICS_ROUTES.list>['items'][number];

const COLUMNS: Column<RunRow>[] = [
  {
    key: 'name',
    header: 'Diagnostic',
    cell: (r) => (
      <Link to={`/diagnostics/${encodeURIComponent(r.id)}`}>
        <code>{r.name}</code>
        {r.param !== null ? <span className="muted"> {r.param}</span> : null}
      </Link>
    ),
  },
  { key: 'target', header: 'Target', cell: (r) => <code>{r.target}</code>, fit: 'ellipsis' },
  { key: 'devices', header: 'Devices', align: 'right', cell: (r) => num(r.visibleDevices) },
  { key: 'state', header: 'State', cell: (r) => <StateBadge state={r.state} /> },
  { key: 'by', header: 'By', cell: (r) => r.createdBy },
  { key: 'at', header: 'Started', cell: (r) => <Time iso={r.createdAt} /> },
];

/** Diagnostic runs, newest first; operators start one on a filter or a group (the devices page links here with its selection). */
export function DiagnosticsPage() {
  const can = useCan();
  const { query } = useLocation();
  const [kind, setKind] = useState<'filter' | 'group'>(query.get('group') ? 'group' : 'filter');
  const [value, setValue] = useState(query.get('group') ?? query.get('filter') ?? '');
  const runs = useRoute(DIAGNOSTICS_ROUTES.list, { query: { limit: 100 } });
  return (
    <>
      <PageHeader
        title="Diagnostics"
        subtitle="Named diagnostics the devices’ owners declared (agent --diag), run on one device or many"
      />
      {can('operator') ? (
        <div className="stack">
          <div className="card diag-target" role="group" aria-label="Target">
            <label>
              <input type="radio" checked={kind === 'filter'} onChange={() => setKind('filter')} /> Devices matching a
              filter
            </label>
            <label>
              <input type="radio" checked={kind === 'group'} onChange={() => setKind('group')} /> A group
            </label>
            <input
              aria-label={kind === 'filter' ? 'Filter' : 'Group path'}
              value={value}
              onChange={(e) => setValue(e.target.value)}
              placeholder={kind === 'filter' ? 'tag.site = "north" (empty: every device you may reach)' : 'plant/pumps'}
            />
          </div>
          <RunForm
            label="Run a diagnostic on the fleet"
            target={kind === 'filter' ? { filter: value } : { group: value }}
            onStarted={(id) => navigate(`/diagnostics/${encodeURIComponent(id)}`)}
          />
        </div>
      ) : null}
      <DataTable
        label="Diagnostic runs"
        testId="diag-runs"
        rowKey={(r) => r.id}
        columns={COLUMNS}
        rows={runs.data?.items}
        loading={runs.loading}
        error={runs.error}
        empty="No diagnostic has run yet."
      />
    </>
  );
}
