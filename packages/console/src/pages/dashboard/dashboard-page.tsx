import { useMemo } from 'react';
import type uPlot from 'uplot';
import { AUDIT_ROUTES, CONFIGS_ROUTES, LIVE_ROUTES } from '@outpost/protocol';
import { num, pct } from '../../app/format.js';
import { useLive, useLiveEvent } from '../../app/live.js';
import type { FleetSummary } from '../../app/route-types.js';
import { Link, href, quote } from '../../app/router.js';
import { TargetLink } from '../audit/target-link.js';
import { useRoute } from '../../app/use-route.js';
import { Chart } from '../../ui/chart.js';
import { Empty, ErrorBox, Loading, PageHeader, StateBadge, Time } from '../../ui/bits.js';
import { AlertsCard, CertificatesCard, HealthCard, RolloutsCard } from './dashboard-ops.js';
import { SitesCards } from './dashboard-sites.js';

const devicesWhere = (filter: string) => href('/devices', { filter });

function PresenceTiles({ summary }: { summary: FleetSummary | undefined }) {
  const live = useLive();
  const c = live.counts ?? summary?.counts;
  const tiles = [
    { key: 'online', label: 'Online', value: c?.online, filter: 'online' },
    { key: 'offline', label: 'Offline', value: c?.offline, filter: 'offline' },
    { key: 'never_seen', label: 'Never seen', value: c?.never_seen, filter: 'never_seen' },
    { key: 'total', label: 'All devices', value: c?.total, filter: '' },
  ];
  return (
    <div className="tiles" aria-label="Devices by presence">
      {tiles.map((t) => (
        <Link key={t.key} to={devicesWhere(t.filter)} className={`tile tile-${t.key}`} data-testid={`tile-${t.key}`}>
          <span className="tile-label">{t.label}</span>
          <span className="tile-value">{num(t.value)}</span>
          <span className="tile-sub">{t.key !== 'total' && c ? pct(t.value ?? 0, c.total) : 'open the list'}</span>
        </Link>
      ))}
    </div>
  );
}

function Trend() {
  const trend = useRoute(LIVE_ROUTES.presenceTrend, { query: { hours: 24 } });
  const data = useMemo<uPlot.AlignedData>(() => {
    const items = trend.data?.items ?? [];
    // Each point is the end of its hour; the current hour ends now.
    const now = Date.now() / 1000;
    return [
      items.map((p) => Math.min(Date.parse(p.at) / 1000 + 3600, now)),
      items.map((p) => p.online),
      items.map((p) => p.wentOffline),
    ];
  }, [trend.data]);
  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(
    () => ({
      scales: {
        x: { time: true },
        y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] },
        n: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.2] },
      },
      series: [
        {},
        {
          label: 'Online',
          stroke: '#15803d',
          fill: 'rgba(21, 128, 61, 0.08)',
          width: 2,
          scale: 'y',
          points: { show: false },
        },
        { label: 'Went offline', stroke: '#b91c1c', width: 1.5, scale: 'n', dash: [4, 3], points: { show: false } },
      ],
      axes: [
        {},
        { scale: 'y', label: 'online' },
        { scale: 'n', side: 1, label: 'went offline / h', grid: { show: false } },
      ],
      legend: { live: false },
    }),
    [],
  );
  return (
    <section className="card" aria-labelledby="trend-title">
      <h2 id="trend-title">Online, last 24 hours</h2>
      <ErrorBox error={trend.error} />
      {trend.data ? (
        <Chart
          options={options}
          data={data}
          height={200}
          label="Devices online per hour over the last 24 hours, and how many went offline each hour"
        />
      ) : trend.loading ? (
        <Loading />
      ) : null}
    </section>
  );
}

function Firmware({ summary }: { summary: FleetSummary | undefined }) {
  const rows = summary?.firmware ?? [];
  const max = Math.max(1, ...rows.map((r) => r.devices));
  return (
    <section className="card" aria-labelledby="fw-title">
      <h2 id="fw-title">Firmware versions</h2>
      {rows.length === 0 ? (
        <Empty>No devices yet. Create an enrollment token to bring the first ones in.</Empty>
      ) : (
        <ul className="bars">
          {rows.map((r) => (
            <li key={r.version ?? '(none)'}>
              <Link
                to={devicesWhere(r.version === null ? 'not firmware exists' : `firmware = ${quote(r.version)}`)}
                className="bar-row"
              >
                <span className="bar-label">{r.version ?? 'not reported'}</span>
                <span className="bar-track" aria-hidden="true">
                  <span className="bar-fill" style={{ width: `${(r.devices / max) * 100}%` }} />
                </span>
                <span className="bar-value">{num(r.devices)}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Compliance() {
  const c = useRoute(CONFIGS_ROUTES.complianceSummary);
  if (c.error || !c.data) return null;
  const o = c.data.overall;
  return (
    <section className="card" aria-labelledby="cmp-title">
      <h2 id="cmp-title">Configuration compliance</h2>
      {o.total === 0 ? (
        <Empty>No template targets any device yet.</Empty>
      ) : (
        <Link to="/compliance" className="big-figure">
          <span className="tile-value">{o.compliantPct.toFixed(1)} %</span>
          <span className="muted">
            compliant · {num(o.drifted)} drifted · {num(o.pending)} pending · {num(o.error)} errors
          </span>
        </Link>
      )}
    </section>
  );
}

function RecentAudit() {
  const audit = useRoute(AUDIT_ROUTES.list, { query: { limit: 8 } });
  useLiveEvent('audit', () => audit.reload());
  return (
    <section className="card" aria-labelledby="audit-title">
      <h2 id="audit-title">Recent activity</h2>
      <ErrorBox error={audit.error} />
      {audit.data?.items.length === 0 ? <Empty>Nothing recorded yet.</Empty> : null}
      <ul className="activity">
        {audit.data?.items.map((r) => (
          <li key={r.seq}>
            <Link to={href('/audit', { action: r.action })} className="activity-action">
              {r.action}
            </Link>{' '}
            <span className="muted">by</span> <Link to={href('/audit', { actor: r.actor })}>{r.actor}</Link>
            {r.target ? (
              <>
                {' '}
                <span className="muted">on</span> <TargetLink target={r.target} />
              </>
            ) : null}
            {r.outcome !== 'ok' ? <StateBadge state={r.outcome} /> : null}
            <span className="activity-time">
              <Time iso={r.ts} />
            </span>
          </li>
        ))}
      </ul>
      <Link to="/audit">Open the audit log</Link>
    </section>
  );
}

export function DashboardPage() {
  const summary = useRoute(LIVE_ROUTES.summary);
  // Firmware shares move slowly; re-read when many devices changed at once.
  useLiveEvent('presence', (m) => m.more > 0 && summary.reload());
  return (
    <>
      <PageHeader title="Fleet at a glance" subtitle="Every figure opens the list behind it." />
      <ErrorBox error={summary.error} />
      <PresenceTiles summary={summary.data} />
      <div className="grid-2">
        <Trend />
        <Firmware summary={summary.data} />
        <AlertsCard />
        <HealthCard />
        <Compliance />
        <RolloutsCard />
        <CertificatesCard />
        <RecentAudit />
        <SitesCards />
      </div>
    </>
  );
}
