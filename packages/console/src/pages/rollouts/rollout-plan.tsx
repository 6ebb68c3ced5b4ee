import type { RolloutRecord } from '../../app/route-types.js';
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

interface WaveLine {
  idx: number;
  devices: string;
  cumulative: string;
  approved: string;
}

function startedWaves(r: Plan): WaveLine[] {
  let cumulative = 0;
  return r.waves.map((w, i) => {
    cumulative += w.size;
    // An approval lets the next wave start, so it is dated by that start.
    const approvedAt = w.approvedBy ? (r.waves[i + 1]?.startedAt ?? w.passedAt) : null;
    const pct = r.total ? (cumulative / r.total) * 100 : 0;
    return {
      idx: w.idx,
      devices: num(w.size),
      cumulative: `${num(cumulative)} (${pct.toFixed(0)} %)`,
      approved: w.approvedBy ? `${w.approvedBy}${approvedAt ? `, ${absolute(approvedAt)}` : ''}` : '–',
    };
  });
}

/**
 * Waves before the rollout starts, as asked: `count` adds devices, `percent` reaches that share of
 * the target (cumulative), and the last wave takes whoever is left.
 */
function plannedWaves(specs: Plan['options']['waves']): WaveLine[] {
  let count = 0;
  let pct: number | null = null;
  return specs.map((s, i) => {
    const last = i === specs.length - 1;
    if (s.count !== undefined) count += s.count;
    if (s.percent !== undefined) pct = s.percent;
    const cumulative = last ? 'the rest (100 %)' : pct === null ? `${num(count)} devices` : `up to ${pct} %`;
    return {
      idx: i,
      devices: s.count !== undefined ? num(s.count) : `${s.percent} %`,
      cumulative,
      approved: '–',
    };
  });
}

/**
 * What the rollout was told to do: its maintenance window, the thresholds that pass a wave or abort
 * the rollout, and its waves with the share of the target each brings it to and who approved them.
 */
export function RolloutPlan({ r }: { r: Plan }) {
  const o = r.options;
  const waves = r.waves.length > 0 ? startedWaves(r) : plannedWaves(o.waves);
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
              <td className="num">{w.devices}</td>
              <td className="num">{w.cumulative}</td>
              <td>{w.approved}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
