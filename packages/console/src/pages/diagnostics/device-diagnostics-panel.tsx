import { useState } from 'react';
import { DIAGNOSTICS_ROUTES } from '@outpost/protocol';
import { useRoute } from '../../app/use-route.js';
import { Link } from '../../app/router.js';
import { useCan } from '../../app/session.js';
import { Empty, ErrorBox } from '../../ui/bits.js';
import { RunResults } from './diagnostic-results.js';
import { RunForm } from './run-form.js';

/** A device's declared diagnostics: run one and see its result here. */
export function DeviceDiagnosticsPanel({ deviceId }: { deviceId: string }) {
  const can = useCan();
  const declared = useRoute(DIAGNOSTICS_ROUTES.declared, { params: { id: deviceId } });
  const [runId, setRunId] = useState<string | null>(null);
  const names = declared.data?.names ?? [];
  return (
    <div className="stack">
      <ErrorBox error={declared.error} />
      {declared.data && names.length === 0 ? (
        <Empty>
          This device declares no diagnostics. Its owner declares them on the agent, e.g.{' '}
          <code>--diag &apos;ip-addr=/usr/sbin/ip -j addr&apos;</code>.
        </Empty>
      ) : null}
      {declared.data && names.length ? (
        <p className="muted">
          Declared:{' '}
          {names.map((n) => (
            <code key={n}>{n} </code>
          ))}
        </p>
      ) : null}
      {can('operator') && declared.data ? (
        <RunForm
          key={names.join(',')}
          label="Run a diagnostic on this device"
          names={names}
          target={{ deviceId }}
          onStarted={setRunId}
        />
      ) : null}
      {runId ? (
        <>
          <p>
            <Link to={`/diagnostics/${encodeURIComponent(runId)}`}>Open this run</Link>
          </p>
          <RunResults key={runId} runId={runId} />
        </>
      ) : null}
    </div>
  );
}
