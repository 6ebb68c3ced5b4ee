import { num } from '../../app/format.js';
import { Link } from '../../app/router.js';
import { ErrorBox, Loading, PageHeader, StateBadge, Time } from '../../ui/bits.js';
import { DiagnosticResults, useRun } from './diagnostic-results.js';

/** One run: what ran where, by whom, and every device's result side by side. */
export function DiagnosticRunPage({ id }: { id: string }) {
  const run = useRun(id);
  if (!run.data) return run.error ? <ErrorBox error={run.error} /> : <Loading />;
  const r = run.data;
  const done = Object.entries(r.counts)
    .filter(([k]) => k !== 'pending')
    .reduce((a, [, v]) => a + (v ?? 0), 0);
  return (
    <>
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to="/diagnostics">Diagnostics</Link> <span aria-hidden="true">/</span> <span>{r.id}</span>
      </nav>
      <PageHeader
        title={
          <>
            <code>{r.name}</code>
            {r.param !== null ? <span className="muted"> {r.param}</span> : null} <StateBadge state={r.state} />
          </>
        }
        subtitle={
          <>
            on <code>{r.target}</code> · {num(done)} of {num(r.results.length)} answered · by {r.createdBy}{' '}
            <Time iso={r.createdAt} />
          </>
        }
      />
      <DiagnosticResults run={r} />
    </>
  );
}
