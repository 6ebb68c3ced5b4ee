import { useEffect, useRef, useState, type FormEvent } from 'react';
import { isApiError } from '../../app/api.js';

export interface FilterProblem {
  message: string;
  /** Character offset of the mistake in the filter (0-based), from the error's details. */
  position: number;
  length?: number;
}

/** The place of a filter mistake in a refused request (filter_syntax, filter_unknown_field), or null. */
export function problemOf(err: unknown): FilterProblem | null {
  if (!isApiError(err, 'filter_syntax') && !isApiError(err, 'filter_unknown_field')) return null;
  const d = err.details ?? {};
  return {
    message: err.message,
    position: typeof d.position === 'number' ? d.position : 0,
    length: typeof d.length === 'number' ? d.length : undefined,
  };
}

const PRESETS: Array<[string, string]> = [
  ['Online', 'online'],
  ['Offline', 'offline'],
  ['Never seen', 'never_seen'],
  ['Silent for a day', 'last_seen < -24h'],
  ['Certificates expiring', 'cert_expires < +30d'],
];

/** The hub's filter language in one line; a mistake is shown where it is, with the hub's words. */
export function FilterBar({
  applied,
  problem,
  onApply,
}: {
  applied: string;
  problem: FilterProblem | null;
  onApply(filter: string): void;
}) {
  const [draft, setDraft] = useState(applied);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => setDraft(applied), [applied]);

  // Put the caret on the mistake so it can be fixed without hunting for it.
  useEffect(() => {
    if (!problem || !input.current) return;
    const at = Math.min(problem.position, input.current.value.length);
    input.current.focus();
    input.current.setSelectionRange(at, Math.min(at + (problem.length ?? 1), input.current.value.length));
  }, [problem]);

  function submit(e: FormEvent) {
    e.preventDefault();
    onApply(draft.trim());
  }

  const before = problem ? applied.slice(0, problem.position) : '';
  const bad = problem ? applied.slice(problem.position, problem.position + Math.max(1, problem.length ?? 1)) : '';
  const after = problem ? applied.slice(problem.position + Math.max(1, problem.length ?? 1)) : '';

  return (
    <form className="filter-bar" role="search" onSubmit={submit}>
      <div className="filter-row">
        <label htmlFor="device-filter" className="sr-only">
          Device filter
        </label>
        <input
          id="device-filter"
          ref={input}
          className="mono"
          placeholder='e.g. tag.site = "north" and firmware < "2.1.0" and online'
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? 'filter-problem' : 'filter-help'}
          spellCheck={false}
          autoComplete="off"
        />
        <button type="submit" className="primary">
          Apply
        </button>
        {applied ? (
          <button type="button" className="secondary" onClick={() => onApply('')}>
            Clear
          </button>
        ) : null}
      </div>
      {problem ? (
        <div id="filter-problem" className="filter-problem" role="alert">
          <code className="filter-echo" aria-hidden="true">
            {before}
            <mark>{bad || ' '}</mark>
            {after}
          </code>
          <div>
            {problem.message} <span className="muted">(character {problem.position + 1})</span>
          </div>
        </div>
      ) : null}
      <div className="filter-presets" id="filter-help">
        <span className="muted">Quick filters:</span>
        {PRESETS.map(([label, f]) => (
          <button key={f} type="button" className="chip" aria-pressed={applied === f} onClick={() => onApply(f)}>
            {label}
          </button>
        ))}
        <details className="filter-syntax">
          <summary>Syntax</summary>
          <div className="popover">
            <p>
              Fields:{' '}
              <code>
                id name serial model firmware agent_version location ip presence enrolled_at last_seen cert_expires
                group tag.&lt;key&gt;
              </code>
            </p>
            <p>
              Operators: <code>= != &lt; &lt;= &gt; &gt;= ~</code> (contains), <code>in (…)</code>, <code>exists</code>;
              combine with <code>and or not</code> and parentheses.
            </p>
            <p>
              Flags: <code>online offline never_seen decommissioned</code>. Times: <code>-24h</code>, <code>+30d</code>.
              Versions compare as versions.
            </p>
          </div>
        </details>
      </div>
    </form>
  );
}
