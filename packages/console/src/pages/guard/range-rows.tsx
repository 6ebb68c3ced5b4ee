import { GUARD_TABLES, type GuardTable } from '@outpost/protocol';
import type { RangeRow } from './policy-text.js';

export const TABLE_LABEL: Record<GuardTable, string> = {
  coil: 'coils',
  discrete: 'discrete inputs',
  holding: 'holding registers',
  input: 'input registers',
};

/** Rows of table, first and last address; every control is named after its row. */
export function RangeRows({ rows, onChange }: { rows: RangeRow[]; onChange(rows: RangeRow[]): void }) {
  const set = (i: number, patch: Partial<RangeRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset className="ranges">
      <legend>Allowed addresses</legend>
      {rows.length === 0 ? <p className="hint">Any address. Add a range to confine reads and writes to it.</p> : null}
      {rows.map((r, i) => (
        <div className="range-row" key={i}>
          <select
            aria-label={`Table of range ${i + 1}`}
            value={r.table}
            onChange={(e) => set(i, { table: e.target.value as GuardTable })}
          >
            {GUARD_TABLES.map((t) => (
              <option key={t} value={t}>
                {TABLE_LABEL[t]}
              </option>
            ))}
          </select>
          <input
            aria-label={`First address of range ${i + 1}`}
            inputMode="numeric"
            value={r.start}
            onChange={(e) => set(i, { start: e.target.value })}
            placeholder="from"
          />
          <span aria-hidden="true">–</span>
          <input
            aria-label={`Last address of range ${i + 1}`}
            inputMode="numeric"
            value={r.end}
            onChange={(e) => set(i, { end: e.target.value })}
            placeholder="to"
          />
          <button
            type="button"
            className="link danger-text"
            aria-label={`Remove range ${i + 1}`}
            onClick={() => onChange(rows.filter((_, j) => j !== i))}
          >
            Remove
          </button>
        </div>
      ))}
      {rows.length < 128 ? (
        <button
          type="button"
          className="secondary"
          onClick={() => onChange([...rows, { table: 'holding', start: '', end: '' }])}
        >
          Add range
        </button>
      ) : null}
    </fieldset>
  );
}
