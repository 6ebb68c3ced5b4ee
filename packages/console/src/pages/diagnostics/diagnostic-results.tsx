import { useEffect, useState } from 'react';
import { DIAGNOSTICS_ROUTES, type DiagnosticDeviceResult } from '@outpost/protocol';
import type { DiagnosticRunDetail } from '../../app/route-types.js';
import { useRoute } from '../../app/use-route.js';
import { num } from '../../app/format.js';
import { Link } from '../../app/router.js';
import { ErrorBox, Loading, StateBadge } from '../../ui/bits.js';

const STATUSES = ['ok', 'failed', 'refused', 'timeout', 'offline', 'pending'] as const;

/** Where a run's downloads live: plain links, the session cookie authorizes them. */
export const downloadUrl = (runId: string, format: 'json' | 'zip') =>
  `/api/v1/diagnostics/runs/${encodeURIComponent(runId)}/results.${format}`;

/** A run's results, read again every two seconds while devices are still answering. */
export function useRun(runId: string) {
  const [tick, setTick] = useState(0);
  const run = useRoute(DIAGNOSTICS_ROUTES.get, { params: { id: runId } }, [tick]);
  const running = run.data?.state === 'running';
  useEffect(() => {
    if (!running) return;
    const t = window.setTimeout(() => setTick((n) => n + 1), 2000);
    return () => window.clearTimeout(t);
  }, [running, tick]);
  return run;
}

function ResultCard({ r }: { r: DiagnosticDeviceResult }) {
  const cut = r.stdout.length < r.stdoutLength || r.stderr.length < r.stderrLength;
  return (
    <article className="card diag-result" data-testid="diag-result" data-device={r.deviceId} data-status={r.status}>
      <header className="diag-result-head">
        <Link to={`/devices/${encodeURIComponent(r.deviceId)}`}>{r.deviceId}</Link>
        <StateBadge state={r.status} />
      </header>
      <dl className="diag-facts">
        <dt>Exit code</dt>
        <dd data-testid="diag-exit">{r.exitCode ?? '–'}</dd>
        <dt>Duration</dt>
        <dd>{num(r.durationMs)} ms</dd>
        <dt>Truncated</dt>
        <dd data-testid="diag-truncated">{r.truncated ? 'yes, at the agent’s output limit' : 'no'}</dd>
        {r.reason ? (
          <>
            <dt>Reason</dt>
            <dd>
              <code data-testid="diag-reason">{r.reason}</code>
            </dd>
          </>
        ) : null}
      </dl>
      {r.stdout ? (
        <pre className="diag-output" aria-label={`Output of ${r.deviceId}`} data-testid="diag-stdout">
          {r.stdout}
        </pre>
      ) : null}
      {r.stderr ? (
        <pre className="diag-output diag-stderr" aria-label={`Errors of ${r.deviceId}`}>
          {r.stderr}
        </pre>
      ) : null}
      {cut ? <p className="muted small">Preview; the downloads hold the whole output.</p> : null}
    </article>
  );
}

/** Per-device results side by side, with counts per status and the downloads. */
export function DiagnosticResults({ run }: { run: DiagnosticRunDetail }) {
  const [only, setOnly] = useState<string>('');
  const shown = only ? run.results.filter((r) => r.status === only) : run.results;
  return (
    <section className="stack" aria-label="Diagnostic results">
      <div className="diag-toolbar">
        <ul className="counts" aria-live="polite">
          {STATUSES.filter((s) => run.counts[s]).map((s) => (
            <li key={s} className={`count-${s}`}>
              <button
                type="button"
                className="link"
                aria-pressed={only === s}
                onClick={() => setOnly(only === s ? '' : s)}
              >
                {s} <strong>{num(run.counts[s] ?? 0)}</strong>
              </button>
            </li>
          ))}
        </ul>
        <span className="page-actions">
          <a className="button secondary" href={downloadUrl(run.id, 'json')} download>
            Download JSON
          </a>
          <a className="button secondary" href={downloadUrl(run.id, 'zip')} download>
            Download zip
          </a>
        </span>
      </div>
      <div className="diag-grid">
        {shown.map((r) => (
          <ResultCard key={r.deviceId} r={r} />
        ))}
      </div>
    </section>
  );
}

/** A run by id: its results once loaded. */
export function RunResults({ runId }: { runId: string }) {
  const run = useRun(runId);
  if (!run.data) return run.error ? <ErrorBox error={run.error} /> : <Loading />;
  return <DiagnosticResults run={run.data} />;
}
