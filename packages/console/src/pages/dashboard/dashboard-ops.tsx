import { num } from '../../app/format.js';
import { Link, href } from '../../app/router.js';
import { useLiveEvent, useLiveFallback } from '../../app/live.js';
import { ALERTS_ROUTES, HEALTH_ROUTES, PKI_ROUTES, UPDATES_ROUTES } from '@outpost/protocol';
import { useRoute } from '../../app/use-route.js';
import { Empty } from '../../ui/bits.js';
import { Progress, useLiveRollouts } from '../rollouts/rollouts-page.js';

const HEALTH = ['normal', 'warning', 'error', 'unknown'] as const;

/** Devices per health state (the hub judges reports against each model's health rules); each opens the Health page. */
export function HealthCard() {
  const h = useRoute(HEALTH_ROUTES.fleet);
  useLiveEvent('presence', (m) => m.more > 0 && h.reload());
  if (h.error || !h.data) return null;
  const max = Math.max(1, ...HEALTH.map((s) => h.data!.counts[s] ?? 0));
  return (
    <section className="card" aria-labelledby="health-title">
      <h2 id="health-title">Device health</h2>
      <ul className="bars health-row">
        {HEALTH.map((s) => (
          <li key={s}>
            <Link to="/health" className="bar-row">
              <span className="bar-label">{s}</span>
              <span className="bar-track" aria-hidden="true">
                <span className={`bar-fill h-${s}`} style={{ width: `${((h.data!.counts[s] ?? 0) / max) * 100}%` }} />
              </span>
              <span className="bar-value">{num(h.data!.counts[s] ?? 0)}</span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Open alerts by severity, each a link to that list. */
export function AlertsCard() {
  const s = useRoute(ALERTS_ROUTES.summary);
  useLiveEvent('alerts', (m) => s.setData((d) => d && { ...d, ...m }));
  useLiveFallback(s.reload);
  if (s.error || !s.data) return null;
  return (
    <section className="card" aria-labelledby="alerts-title">
      <h2 id="alerts-title">Open alerts</h2>
      <div className="severity-row">
        {(['critical', 'warning', 'info'] as const).map((v) => (
          <Link key={v} to={href('/alerts', { state: 'open', severity: v })} data-testid={`alerts-${v}`}>
            <strong className={`sev-${v}-text`}>{num(s.data!.bySeverity[v] ?? 0)}</strong> {v}
          </Link>
        ))}
      </div>
      <p className="muted">
        {num(s.data.firing)} firing, {num(s.data.acknowledged)} acknowledged. <Link to="/alerts">Open the alerts</Link>
      </p>
    </section>
  );
}

/** Rollouts that are running or paused, with the wave they are in. */
export function RolloutsCard() {
  const r = useRoute(UPDATES_ROUTES.rollouts);
  useLiveRollouts(r);
  if (r.error || !r.data) return null;
  const live = r.data.items.filter((x) => x.state === 'running' || x.state === 'paused' || x.state === 'scheduled');
  return (
    <section className="card" aria-labelledby="rollouts-title">
      <h2 id="rollouts-title">Rollouts in progress</h2>
      {live.length === 0 ? <Empty>No rollout is running.</Empty> : null}
      <ul className="plain-list">
        {live.map((x) => (
          <li key={x.id}>
            <Link to={`/rollouts/${encodeURIComponent(x.id)}`} className="strong">
              {x.name}
            </Link>{' '}
            <span className="muted">
              {x.state}, wave {Math.min(x.currentWave + 1, x.waves.length)} of {x.waves.length}
            </span>
            <Progress counts={x.counts} total={x.total} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** What threatens the fleet's identities: certificates lapsing soon, failing renewals, devices on a retiring CA. */
export function CertificatesCard() {
  const c = useRoute(PKI_ROUTES.certificateHealth, { query: { days: 30 } });
  if (c.error || !c.data) return null;
  const d = c.data;
  const figures: Array<[string, number, string]> = [
    [`lapse within ${d.lapsingWithinDays} days`, d.lapsingSoon, '/alerts'],
    ['renewals failing', d.failingRenewals, '/alerts'],
    ['on a retiring CA', d.devicesOnRetiringCas, '/enrollment'],
  ];
  return (
    <section className="card" aria-labelledby="certs-card-title">
      <h2 id="certs-card-title">Device certificates</h2>
      <ul className="bars">
        {figures.map(([label, n, to]) => (
          <li key={label}>
            <Link to={to} className="bar-row" data-testid={`certs-${label.split(' ')[0]}`}>
              <span className="bar-label">{label}</span>
              <span className="bar-value">{num(n)}</span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
