import type { HealthRule, HealthRuleOp } from '@outpost/protocol';
import { OPS, OP_TEXT, metricOption } from './health-text.js';

/** A rule as typed: thresholds stay text until the model is saved. */
export interface RuleRow {
  metric: string;
  op: HealthRuleOp;
  warning: string;
  error: string;
}

export const toRow = (r: HealthRule): RuleRow => ({
  metric: r.metric,
  op: r.op,
  warning: r.warning === undefined ? '' : String(r.warning),
  error: r.error === undefined ? '' : String(r.error),
});

/** What the hub gets: an empty threshold is left out, anything else is sent as typed for the hub to judge. */
export function fromRow(r: RuleRow): Record<string, unknown> {
  const n = (s: string) => (s.trim() === '' ? undefined : Number(s.trim()));
  const warning = n(r.warning);
  const error = n(r.error);
  return {
    metric: r.metric,
    op: r.op,
    ...(warning !== undefined ? { warning } : {}),
    ...(error !== undefined ? { error } : {}),
  };
}

/** Which control the hub's complaint is about: `/rules/2/metric` → row 2, metric; `/rules/2` → the whole row. */
export function invalidAt(path: unknown): { row: number; field: string | null } | null {
  const m = typeof path === 'string' ? /^\/rules\/(\d+)(?:\/(\w+))?$/.exec(path) : null;
  return m ? { row: Number(m[1]), field: m[2] ?? null } : null;
}

/** Metric, comparison, warning and error threshold per row; every control is named after its row. */
export function RuleRows({
  rows,
  metrics,
  onChange,
  invalid,
}: {
  rows: RuleRow[];
  metrics: string[];
  onChange(rows: RuleRow[]): void;
  invalid: { row: number; field: string | null } | null;
}) {
  const set = (i: number, patch: Partial<RuleRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const bad = (i: number, field: string) =>
    invalid?.row === i &&
    (invalid.field === field || (invalid.field === null && (field === 'warning' || field === 'error')));
  return (
    <fieldset className="rule-rows">
      <legend>Rules</legend>
      {rows.length === 0 ? (
        <p className="hint">No rule: every device of this model counts as normal while it reports.</p>
      ) : null}
      {rows.length > 0 ? (
        <div className="rule-row rule-head" aria-hidden="true">
          <span>Metric</span>
          <span>Comparison</span>
          <span>Warning at</span>
          <span>Error at</span>
          <span />
        </div>
      ) : null}
      {rows.map((r, i) => (
        <div className={`rule-row${invalid?.row === i ? ' rule-row-invalid' : ''}`} key={i}>
          <select
            aria-label={`Metric of rule ${i + 1}`}
            value={r.metric}
            onChange={(e) => set(i, { metric: e.target.value })}
            aria-invalid={bad(i, 'metric') || undefined}
          >
            {(metrics.includes(r.metric) ? metrics : [r.metric, ...metrics]).map((m) => (
              <option key={m} value={m}>
                {metricOption(m)}
              </option>
            ))}
          </select>
          <select
            aria-label={`Comparison of rule ${i + 1}`}
            value={r.op}
            onChange={(e) => set(i, { op: e.target.value as HealthRuleOp })}
            aria-invalid={bad(i, 'op') || undefined}
          >
            {OPS.map((op) => (
              <option key={op} value={op}>
                {OP_TEXT[op].sign} {OP_TEXT[op].words}
              </option>
            ))}
          </select>
          <input
            aria-label={`Warning threshold of rule ${i + 1}`}
            type="number"
            step="any"
            value={r.warning}
            onChange={(e) => set(i, { warning: e.target.value })}
            placeholder="none"
            aria-invalid={bad(i, 'warning') || undefined}
          />
          <input
            aria-label={`Error threshold of rule ${i + 1}`}
            type="number"
            step="any"
            value={r.error}
            onChange={(e) => set(i, { error: e.target.value })}
            placeholder="none"
            aria-invalid={bad(i, 'error') || undefined}
          />
          <button
            type="button"
            className="link danger-text"
            aria-label={`Remove rule ${i + 1}`}
            onClick={() => onChange(rows.filter((_, j) => j !== i))}
          >
            Remove
          </button>
        </div>
      ))}
      {rows.length < 64 ? (
        <button
          type="button"
          className="secondary"
          onClick={() => onChange([...rows, { metric: metrics[0] ?? 'cpuPct', op: '>', warning: '', error: '' }])}
        >
          Add rule
        </button>
      ) : null}
      <p className="hint">
        A device is in the worst state any rule gives it. Leave a threshold empty to skip that state; a rule needs at
        least one.
      </p>
    </fieldset>
  );
}
