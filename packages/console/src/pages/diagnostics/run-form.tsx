import { useState, type FormEvent } from 'react';
import type { DiagnosticRunBody } from '@outpost/protocol';
import { api } from '../../app/api.js';
import { useAction } from '../../app/use-async.js';
import { ErrorBox } from '../../ui/bits.js';

/** Name, optional parameter and time limit of a diagnostic to run; the target comes from the caller. */
export function RunForm({
  target,
  names,
  onStarted,
  label,
}: {
  target: Pick<DiagnosticRunBody, 'deviceId' | 'group' | 'filter'>;
  /** Names the device declared, offered as choices (any name may be typed for a fleet). */
  names?: string[];
  onStarted(runId: string): void;
  label: string;
}) {
  const [name, setName] = useState(names?.[0] ?? '');
  const [param, setParam] = useState('');
  const [timeoutS, setTimeoutS] = useState(60);
  const start = useAction();
  const listId = `diag-names-${label.replace(/\W+/g, '-')}`;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const run = await start.perform(() =>
      api.diagnostics.start({ ...target, name: name.trim(), timeoutS, ...(param ? { param } : {}) }),
    );
    if (run) onStarted(run.id);
  }

  return (
    <form className="card command-form" aria-label={label} onSubmit={(e) => void submit(e)}>
      <div className="field">
        <label htmlFor={`${listId}-name`}>Diagnostic</label>
        <input
          id={`${listId}-name`}
          list={listId}
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          pattern="[a-z][a-z0-9\-]{0,31}"
          placeholder="ip-addr"
        />
        <datalist id={listId}>
          {(names ?? []).map((n) => (
            <option key={n} value={n} />
          ))}
        </datalist>
      </div>
      <div className="field">
        <label htmlFor={`${listId}-param`}>Parameter (if it takes one)</label>
        <input id={`${listId}-param`} value={param} onChange={(e) => setParam(e.target.value)} maxLength={256} />
      </div>
      <div className="field">
        <label htmlFor={`${listId}-timeout`}>Wait per device (s)</label>
        <input
          id={`${listId}-timeout`}
          type="number"
          min={1}
          max={900}
          value={timeoutS}
          onChange={(e) => setTimeoutS(Number(e.target.value))}
        />
      </div>
      <button type="submit" data-mutates="" disabled={start.busy}>
        {start.busy ? 'Starting…' : 'Run diagnostic'}
      </button>
      <ErrorBox error={start.error} />
    </form>
  );
}
