import { useEffect } from 'react';
import type { HealthState } from '@outpost/protocol';
import { HEALTH_ROUTES } from '@outpost/protocol';
import { loadRoute } from '../../../app/use-route.js';
import { Link } from '../../../app/router.js';
import { useAsync } from '../../../app/use-async.js';
import { ErrorBox } from '../../../ui/bits.js';
import { metricLabel, reading, ruleText } from '../../health/health-text.js';

const TONE: Record<HealthState, string> = {
  normal: 'tone-good',
  warning: 'sev-warning',
  error: 'tone-bad',
  unknown: '',
};
// Verdicts follow the device's reports; re-read about as often as a device reports.
const REFRESH_MS = 30_000;

/** The hub's verdict on the device's latest health report, the rules it crossed, and which health model judged it. */
export function HealthVerdict({ deviceId, version }: { deviceId: string; version: number }) {
  const v = useAsync(
    () => Promise.all([loadRoute(HEALTH_ROUTES.device, { params: { id: deviceId } }), loadRoute(HEALTH_ROUTES.models)]),
    [deviceId, version],
  );
  const reload = v.reload;
  useEffect(() => {
    const t = window.setInterval(reload, REFRESH_MS);
    return () => window.clearInterval(t);
  }, [reload]);
  if (!v.data) return v.error ? <ErrorBox error={v.error} title="Health verdict" /> : null;
  const [h, models] = v.data;
  const own = h.model ? models.items.find((m) => m.model === h.model) : undefined;
  const model = own ?? models.items.find((m) => m.model === '*');
  const rules = model?.rules ?? [];
  return (
    <section className="card" aria-labelledby="verdict-title" data-testid="health-verdict">
      <div className="card-head">
        <h2 id="verdict-title">Health verdict</h2>
        <span className={`badge ${TONE[h.state]}`}>{h.state}</span>
      </div>
      {h.state === 'unknown' ? (
        <p className="muted">No verdict: the device is offline or its last health report is too old.</p>
      ) : null}
      {h.state === 'normal' ? <p className="muted">Its latest report is within every rule.</p> : null}
      {h.reasons.length > 0 ? (
        <ul className="reasons">
          {h.reasons.map((r) => {
            const rule = rules.find((x) => x.metric === r.metric);
            return (
              <li key={r.metric}>
                <span className={`badge ${TONE[r.state]}`}>{r.state}</span> {metricLabel(r.metric)} is{' '}
                {reading(r.metric, r.value)}
                {rule ? <span className="muted"> (rule: {ruleText(rule)})</span> : null}
              </li>
            );
          })}
        </ul>
      ) : null}
      <p className="muted small">
        Judged by{' '}
        <Link to="/health">
          {own
            ? `the health model of ${own.model}`
            : `the default health model${h.model ? ` (${h.model} has none of its own)` : ''}`}
        </Link>
        {rules.length ? `: ${rules.map(ruleText).join('; ')}` : ', which has no rules'}.
      </p>
    </section>
  );
}
