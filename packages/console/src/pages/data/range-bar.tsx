import { useEffect, useState } from 'react';
import { PRESETS, rangeOf, type TrendState } from './trend-state.js';

// <input type="datetime-local"> speaks the browser's local time without a zone: "2026-12-07T14:05".
const pad = (n: number) => String(n).padStart(2, '0');
function localText(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Preset ranges back from now, or a custom from–to; Refresh reads a preset again up to now. */
export function RangeBar({
  range,
  onChange,
  onRefresh,
}: {
  range: TrendState['range'];
  onChange(r: TrendState['range']): void;
  onRefresh(): void;
}) {
  const shown = rangeOf(range, Date.now());
  const [from, setFrom] = useState(localText(shown.from));
  const [to, setTo] = useState(localText(shown.to));
  const [error, setError] = useState<string | null>(null);
  const rangeKey = 'preset' in range ? range.preset : `${range.from}-${range.to}`;
  useEffect(() => {
    const r = rangeOf(range, Date.now());
    setFrom(localText(r.from));
    setTo(localText(r.to));
  }, [rangeKey]);

  function apply() {
    const f = new Date(from).getTime();
    const t = new Date(to).getTime();
    if (!Number.isFinite(f) || !Number.isFinite(t)) return setError('Enter both times.');
    if (t <= f) return setError('“To” must be after “from”.');
    setError(null);
    onChange({ from: f, to: t });
  }

  return (
    <div className="card-head">
      <div className="segmented" role="group" aria-label="Range">
        {PRESETS.map((p) => (
          <button
            key={p.id}
            type="button"
            aria-pressed={'preset' in range && range.preset === p.id}
            onClick={() => onChange({ preset: p.id })}
          >
            {p.label}
          </button>
        ))}
      </div>
      <form
        className="inline-form"
        aria-label="Custom range"
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        <label htmlFor="trend-from">From</label>
        <input id="trend-from" type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
        <label htmlFor="trend-to">To</label>
        <input id="trend-to" type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
        <button type="submit">Apply</button>
        <button type="button" onClick={onRefresh}>
          Refresh
        </button>
      </form>
      {error ? (
        <div className="field-error" role="alert">
          {error}
        </div>
      ) : null}
    </div>
  );
}
