import { ComplianceTrend } from './compliance-trend.js';
import { CONFIGS_ROUTES } from '@outpost/protocol';
import { api } from '../../app/api.js';
import { compactJson, num } from '../../app/format.js';
import type { ComplianceRow } from '../../app/route-types.js';
import { Link, href, navigate, useLocation } from '../../app/router.js';
import { useCan } from '../../app/session.js';
import { useAction } from '../../app/use-async.js';
import { useRoute, type RouteResponse } from '../../app/use-route.js';
import { ErrorBox, PageHeader, StateBadge, Time } from '../../ui/bits.js';
import { DataTable, type Column } from '../../ui/data-table.js';

const STATES = ['drifted', 'error', 'pending', 'compliant'] as const;

function Diff({ row }: { row: ComplianceRow }) {
  if (row.diff.length === 0)
    return row.reason ? <span className="muted small">{row.reason}</span> : <span className="muted">–</span>;
  return (
    <ul className="diff">
      {row.diff.map((d) => (
        <li key={d.key}>
          <code>{d.key}</code>{' '}
          {d.secret ? (
            <span>secret {d.change}</span>
          ) : d.change === 'missing' ? (
            <span>missing (wants {compactJson(d.desired, 40)})</span>
          ) : (
            <span>
              is <span className="bad">{compactJson(d.actual, 40)}</span>, wants{' '}
              <strong>{compactJson(d.desired, 40)}</strong>
            </span>
          )}
          {d.users?.length ? <span className="muted small"> · changed by {d.users.join(', ')}</span> : null}
        </li>
      ))}
    </ul>
  );
}

function Remediate({ deviceId, onDone }: { deviceId: string; onDone(): void }) {
  const act = useAction();
  return (
    <>
      <button
        type="button"
        className="link"
        data-mutates=""
        disabled={act.busy}
        onClick={() => void act.perform(() => api.deviceConfig.push(deviceId)).then((r) => r && onDone())}
      >
        {act.busy ? 'Pushing…' : 'Remediate'}
      </button>
      <ErrorBox error={act.error} />
    </>
  );
}

type TemplateSummary = RouteResponse<typeof CONFIGS_ROUTES.complianceSummary>['templates'][number];

function summaryColumns(state: string): Column<TemplateSummary>[] {
  return [
    {
      key: 'template',
      header: 'Template',
      cell: (t) => (
        <Link to={href('/compliance', { state, template: t.template })} className="strong">
          {t.template}
        </Link>
      ),
    },
    { key: 'compliant', header: 'Compliant', align: 'right', cell: (t) => `${t.compliantPct.toFixed(1)} %` },
    { key: 'drifted', header: 'Drifted', align: 'right', cell: (t) => num(t.drifted) },
    { key: 'pending', header: 'Pending', align: 'right', cell: (t) => num(t.pending) },
    { key: 'error', header: 'Errors', align: 'right', cell: (t) => num(t.error) },
  ];
}

function deviceColumns(reload: () => void): Column<ComplianceRow>[] {
  return [
    {
      key: 'device',
      header: 'Device',
      cell: (r) => (
        <>
          <Link to={`/devices/${encodeURIComponent(r.deviceId)}`}>{r.deviceName}</Link>
          {r.maintenance ? <div className="muted small">in maintenance</div> : null}
        </>
      ),
    },
    {
      key: 'template',
      header: 'Template',
      cell: (r) => `${r.template}${r.templateVersion ? ` v${r.templateVersion}` : ''}`,
    },
    { key: 'state', header: 'State', cell: (r) => <StateBadge state={r.state} /> },
    { key: 'diff', header: 'Differences', cell: (r) => <Diff row={r} /> },
    { key: 'since', header: 'Since', cell: (r) => <Time iso={r.since} /> },
    {
      key: 'actions',
      header: <span className="sr-only">Actions</span>,
      min: 'operator',
      className: 'actions',
      cell: (r) => (r.state === 'drifted' ? <Remediate deviceId={r.deviceId} onDone={reload} /> : null),
    },
  ];
}

/** How much of the fleet runs what its templates say; drifted devices with their differences. */
export function CompliancePage() {
  const can = useCan();
  const { query } = useLocation();
  const state = (query.get('state') ?? 'drifted') as (typeof STATES)[number];
  const template = query.get('template') ?? undefined;
  const summary = useRoute(CONFIGS_ROUTES.complianceSummary);
  const rows = useRoute(CONFIGS_ROUTES.complianceDevices, { query: { state, template, limit: 200 } });
  const scan = useAction();
  const o = summary.data?.overall;
  return (
    <>
      <PageHeader
        title="Compliance"
        subtitle={
          o
            ? `${o.compliantPct.toFixed(1)} % compliant · ${num(o.drifted)} drifted · ${num(o.pending)} pending · ${num(o.error)} errors`
            : 'Desired against reported settings, device by device.'
        }
        actions={
          can('operator') ? (
            <button
              type="button"
              className="secondary"
              data-mutates=""
              disabled={scan.busy}
              onClick={() =>
                void scan
                  .perform(() => api.compliance.scan())
                  .then((r) => {
                    if (!r) return;
                    summary.reload();
                    rows.reload();
                  })
              }
            >
              {scan.busy ? 'Scanning…' : 'Scan now'}
            </button>
          ) : undefined
        }
      />
      <ComplianceTrend template={template} />
      <ErrorBox error={summary.error ?? scan.error} />
      {summary.data?.lastScan ? (
        <p className="muted">
          Last full scan <Time iso={summary.data.lastScan.at} /> over {num(summary.data.lastScan.devices)} devices.
        </p>
      ) : null}
      <DataTable
        columns={summaryColumns(state)}
        rows={summary.data?.templates}
        rowKey={(t) => t.template}
        rowProps={(t) => ({ 'aria-current': template === t.template ? 'true' : undefined })}
        empty={
          <>
            No template targets any device. <Link to="/templates">Create a template</Link> to start measuring.
          </>
        }
      />
      <div className="row section-gap" role="group" aria-label="Device state">
        <div className="segmented">
          {STATES.map((s) => (
            <button
              key={s}
              type="button"
              aria-pressed={state === s}
              onClick={() => navigate(href('/compliance', { state: s, template }))}
            >
              {s}
            </button>
          ))}
        </div>
        {template ? (
          <button type="button" className="link" onClick={() => navigate(href('/compliance', { state }))}>
            Every template
          </button>
        ) : null}
      </div>
      <DataTable
        columns={deviceColumns(rows.reload)}
        rows={rows.data?.items}
        rowKey={(r) => `${r.deviceId}/${r.template}`}
        rowClass={(r) => (r.state === 'drifted' ? 'row-bad' : undefined)}
        loading={rows.loading}
        error={rows.error}
        empty={`No device is ${state}${template ? ` for ${template}` : ''}.`}
        testId="compliance-table"
      />
    </>
  );
}
