import type { ComplianceRow } from '@outpost/protocol';
import { api } from '../../app/api.js';
import { compactJson, num } from '../../app/format.js';
import { Link, href, navigate, useLocation } from '../../app/router.js';
import { useCan } from '../../app/session.js';
import { useAction, useAsync } from '../../app/use-async.js';
import { Empty, ErrorBox, Loading, PageHeader, StateBadge, Time } from '../../ui/bits.js';

const STATES = ['drifted', 'error', 'pending', 'compliant'] as const;

function Diff({ row }: { row: ComplianceRow }) {
  if (row.diff.length === 0) return row.reason ? <span className="muted small">{row.reason}</span> : <span className="muted">–</span>;
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
              is <span className="bad">{compactJson(d.actual, 40)}</span>, wants <strong>{compactJson(d.desired, 40)}</strong>
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
      <button type="button" className="link" data-mutates="" disabled={act.busy} onClick={() => void act.perform(() => api.deviceConfig.push(deviceId)).then((r) => r && onDone())}>
        {act.busy ? 'Pushing…' : 'Remediate'}
      </button>
      <ErrorBox error={act.error} />
    </>
  );
}

/** How much of the fleet runs what its templates say; drifted devices with their differences. */
export function CompliancePage() {
  const can = useCan();
  const { query } = useLocation();
  const state = (query.get('state') ?? 'drifted') as (typeof STATES)[number];
  const template = query.get('template') ?? undefined;
  const summary = useAsync(() => api.compliance.summary(), []);
  const rows = useAsync(() => api.compliance.devices({ state, template, limit: 200 }), [state, template]);
  const scan = useAction();
  const o = summary.data?.overall;
  return (
    <>
      <PageHeader
        title="Compliance"
        subtitle={o ? `${o.compliantPct.toFixed(1)} % compliant · ${num(o.drifted)} drifted · ${num(o.pending)} pending · ${num(o.error)} errors` : 'Desired against reported settings, device by device.'}
        actions={
          can('operator') ? (
            <button
              type="button"
              className="secondary"
              data-mutates=""
              disabled={scan.busy}
              onClick={() =>
                void scan.perform(() => api.compliance.scan()).then((r) => {
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
      <ErrorBox error={summary.error ?? scan.error} />
      {summary.data?.lastScan ? (
        <p className="muted">
          Last full scan <Time iso={summary.data.lastScan.at} /> over {num(summary.data.lastScan.devices)} devices.
        </p>
      ) : null}
      {summary.data && summary.data.templates.length > 0 ? (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Template</th>
                <th scope="col" className="num">Compliant</th>
                <th scope="col" className="num">Drifted</th>
                <th scope="col" className="num">Pending</th>
                <th scope="col" className="num">Errors</th>
              </tr>
            </thead>
            <tbody>
              {summary.data.templates.map((t) => (
                <tr key={t.template} aria-current={template === t.template ? 'true' : undefined}>
                  <td>
                    <Link to={href('/compliance', { state, template: t.template })} className="strong">
                      {t.template}
                    </Link>
                  </td>
                  <td className="num">{t.compliantPct.toFixed(1)} %</td>
                  <td className="num">{num(t.drifted)}</td>
                  <td className="num">{num(t.pending)}</td>
                  <td className="num">{num(t.error)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : summary.data ? (
        <Empty>
          No template targets any device. <Link to="/templates">Create a template</Link> to start measuring.
        </Empty>
      ) : null}
      <div className="row section-gap" role="group" aria-label="Device state">
        <div className="segmented">
          {STATES.map((s) => (
            <button key={s} type="button" aria-pressed={state === s} onClick={() => navigate(href('/compliance', { state: s, template }))}>
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
      <ErrorBox error={rows.error} />
      {rows.loading && !rows.data ? <Loading /> : null}
      {rows.data?.items.length === 0 ? <Empty>No device is {state}{template ? ` for ${template}` : ''}.</Empty> : null}
      {rows.data && rows.data.items.length > 0 ? (
        <div className="table-wrap">
          <table className="data" data-testid="compliance-table">
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Template</th>
                <th scope="col">State</th>
                <th scope="col">Differences</th>
                <th scope="col">Since</th>
                {can('operator') ? <th scope="col"><span className="sr-only">Actions</span></th> : null}
              </tr>
            </thead>
            <tbody>
              {rows.data.items.map((r) => (
                <tr key={`${r.deviceId}/${r.template}`} className={r.state === 'drifted' ? 'row-bad' : undefined}>
                  <td>
                    <Link to={`/devices/${encodeURIComponent(r.deviceId)}`}>{r.deviceName}</Link>
                    {r.maintenance ? <div className="muted small">in maintenance</div> : null}
                  </td>
                  <td>
                    {r.template}
                    {r.templateVersion ? ` v${r.templateVersion}` : ''}
                  </td>
                  <td>
                    <StateBadge state={r.state} />
                  </td>
                  <td>
                    <Diff row={r} />
                  </td>
                  <td>
                    <Time iso={r.since} />
                  </td>
                  {can('operator') ? (
                    <td className="actions">{r.state === 'drifted' ? <Remediate deviceId={r.deviceId} onDone={rows.reload} /> : null}</td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
