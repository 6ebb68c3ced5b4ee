import type { RolloutRecord } from '@outpost/protocol';
import { absolute, num } from '../../app/format.js';
import { Facts } from '../../ui/bits.js';

type Plan = Pick<RolloutRecord, 'options' | 'waves' | 'total'>;

function windowText(w: Plan['options']['maintenanceWindow']): string {
  return w ? `${w.cron} for ${num(w.durationMin)} min (${w.timezone})` : 'none: work is sent at any time';
}

function abortText(o: Plan['options']): string {
  const parts = [
    o.abortFailures !== undefined ? `${num(o.abortFailures)} failed devices` : null,
    o.abortFailurePct !== undefined ? `${o.abortFailurePct} % of started devices failed` : null,
  ].filter(Boolean);
  return parts.length ? `at ${parts.join(' or ')}` : 'never on failures alone';
}

/**
 * What the rollout was told to do: its maintenance window, the thresholds that pass a wave or abort
 * the rollout, and its waves with the share of the target each brings it to and who approved them.
 */
export function RolloutPlan({ r }: { r: Plan }) {
  const o = r.options;
  let cumulative = 0;
  const waves = r.waves.map((w, i) => {
    cumulative += w.size;
    // An approval lets the next wave start, so it is dated by that start.
    const approvedAt = w.approvedBy ? (r.waves[i + 1]?.startedAt ?? w.passedAt) : null;
    return { ...w, cumulative, pct: r.total ? (cumulative / r.total) * 100 : 0, approvedAt };
  });
  return (
    <section className="card section-gap" aria-labelledby="plan-title" data-testid="rollout-plan">
      <h2 id="plan-title">Plan</h2>
      <Facts
        rows={[
          ['Maintenance window', <span data-testid="plan-window">{windowText(o.maintenanceWindow)}</span>],
          [
            'Wave passes',
            <span data-testid="plan-success">
              at {o.successThresholdPct} % of its devices succeeded,{' '}
              {o.advance === 'approval' ? 'then waits for approval' : 'then the next starts'}
            </span>,
          ],
          ['Aborts', <span data-testid="plan-abort">{abortText(o)}</span>],
          [
            'In flight',
            `${num(o.maxInFlight)} devices at once${o.ratePerMinute ? `, ${num(o.ratePerMinute)} a minute` : ''}`,
          ],
          ['On abort', o.rollbackOnAbort ? 'succeeded devices roll back' : 'devices keep what they installed'],
        ]}
      />
      <table className="data" data-testid="plan-waves">
        <thead>
          <tr>
            <th>Wave</th>
            <th className="num">Devices</th>
            <th className="num">Cumulative</th>
            <th>Approved</th>
          </tr>
        </thead>
        <tbody>
          {waves.map((w) => (
            <tr key={w.idx}>
              <td>{w.idx + 1}</td>
              <td className="num">{num(w.size)}</td>
              <td className="num">
                {num(w.cumulative)} ({w.pct.toFixed(0)} %)
              </td>
              <td>{w.approvedBy ? `${w.approvedBy}${w.approvedAt ? `, ${absolute(w.approvedAt)}` : ''}` : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
