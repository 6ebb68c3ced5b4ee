import { useState } from 'react';
import { AUTOMATIONS_ROUTES, type StepResult } from '@outpost/protocol';
import { api } from '../../app/api.js';
import { num } from '../../app/format.js';
import type { AutomationRunDevice } from '../../app/route-types.js';
import { Link } from '../../app/router.js';
import { useCan } from '../../app/session.js';
import { useAction, useAsync } from '../../app/use-async.js';
import { loadRoute } from '../../app/use-route.js';
import { ErrorBox, Loading, PageHeader, StateBadge, Time } from '../../ui/bits.js';
import { DataTable, type Column } from '../../ui/data-table.js';
import { RunCounts } from './automation-page.js';
import { ACTIVE_RUN_STATES, usePollTick } from './use-polling.js';

/** Output shown in the page: the hub keeps at most 16 KiB a step; the page shows the first 4 KiB. */
const OUTPUT_SHOWN = 4096;

function outputText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  const o = v as { stdout?: unknown; stderr?: unknown };
  if (typeof o.stdout === 'string' || typeof o.stderr === 'string')
    return [o.stdout, o.stderr].filter((x) => typeof x === 'string' && x).join('\n--- stderr ---\n');
  return JSON.stringify(v, null, 2);
}

function StepOutput({ r, deviceId }: { r: StepResult; deviceId: string }) {
  const text = outputText(r.output);
  if (!text) return null;
  const cut = text.length > OUTPUT_SHOWN;
  return (
    <>
      <pre
        className="diag-output"
        data-testid="step-output"
        aria-label={`Output of step ${r.index + 1} on ${deviceId}`}
      >
        {cut ? text.slice(0, OUTPUT_SHOWN) : text}
      </pre>
      {cut ? (
        <p className="muted small">
          First {num(OUTPUT_SHOWN)} of {num(text.length)} characters.
        </p>
      ) : null}
    </>
  );
}

/** One device's steps in this run: outcome, what it led to, timing, reason and output. */
function DeviceSteps({ d }: { d: AutomationRunDevice }) {
  return (
    <section className="card" aria-label={`Steps on ${d.deviceId}`} data-testid="device-steps" data-device={d.deviceId}>
      <div className="card-head">
        <h2>
          <Link to={`/devices/${encodeURIComponent(d.deviceId)}`}>{d.deviceId}</Link> <StateBadge state={d.state} />
        </h2>
        {d.reason ? <span className="muted">{d.reason}</span> : null}
      </div>
      {d.steps.length === 0 ? <p className="muted">No step has finished on this device yet.</p> : null}
      <ol className="step-results">
        {d.steps.map((r) => (
          <li key={r.index} data-testid="step-result" data-outcome={r.outcome}>
            <div className="row">
              <strong>
                Step {r.index + 1}: {r.type}
              </strong>
              <StateBadge state={r.outcome} />
              <span className="muted small">→ {r.action.replace('_', ' ')}</span>
              <span className="small">
                <Time iso={r.startedAt} />, {num(r.durationMs)} ms
              </span>
            </div>
            {r.reason ? (
              <div className="small" data-testid="step-reason">
                {r.reason}
              </div>
            ) : null}
            <StepOutput r={r} deviceId={d.deviceId} />
          </li>
        ))}
      </ol>
    </section>
  );
}

const DEVICE_COLUMNS: Column<AutomationRunDevice>[] = [
  { key: 'device', header: 'Device', className: 'mono', cell: (d) => d.deviceId },
  { key: 'state', header: 'State', cell: (d) => <StateBadge state={d.state} /> },
  { key: 'step', header: 'Steps done', align: 'right', cell: (d) => num(d.steps.length) },
  { key: 'reason', header: 'Reason', fit: 'ellipsis', width: '18rem', cell: (d) => d.reason ?? '' },
  { key: 'started', header: 'Started', cell: (d) => <Time iso={d.startedAt} /> },
  { key: 'finished', header: 'Finished', cell: (d) => (d.finishedAt ? <Time iso={d.finishedAt} /> : '–') },
];

/** A run: its state and counts, and every device with a drill-down into its steps; read again while it is active. */
export function AutomationRunPage({ id }: { id: string }) {
  const can = useCan();
  const [active, setActive] = useState(true);
  const [open, setOpen] = useState<string | null>(null);
  const tick = usePollTick(active);
  const act = useAction();
  const data = useAsync(async () => {
    const [run, devices] = await Promise.all([
      loadRoute(AUTOMATIONS_ROUTES.runShow, { params: { id } }),
      loadRoute(AUTOMATIONS_ROUTES.runDevices, { params: { id }, query: { limit: 1000 } }),
    ]);
    setActive(ACTIVE_RUN_STATES.has(run.state));
    return { run, devices: devices.items };
  }, [id, tick]);
  if (!data.data) return data.error ? <ErrorBox error={data.error} /> : <Loading />;
  const { run: r, devices } = data.data;
  const shown = devices.find((d) => d.deviceId === open);
  const control = async (fn: () => Promise<unknown>) => {
    await act.perform(fn);
    data.reload();
  };
  return (
    <>
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to="/automations">Automations</Link> <span aria-hidden="true">/</span>{' '}
        <Link to={`/automations/${encodeURIComponent(r.automationName)}`}>{r.automationName}</Link>{' '}
        <span aria-hidden="true">/</span> <span>{r.id}</span>
      </nav>
      <PageHeader
        title={
          <>
            Run of {r.automationName} v{r.version}{' '}
            <span data-testid="run-state">
              <StateBadge state={r.state} />
            </span>
          </>
        }
        subtitle={
          <>
            {r.trigger.kind}
            {r.trigger.detail ? ` (${r.trigger.detail})` : ''} · by {r.startedBy} <Time iso={r.createdAt} />
            {r.finishedAt ? (
              <>
                {' '}
                · finished <Time iso={r.finishedAt} />
              </>
            ) : null}
          </>
        }
        actions={
          can('operator') ? (
            <>
              {r.state === 'awaiting_approval' ? (
                <button
                  type="button"
                  className="primary"
                  data-mutates=""
                  disabled={act.busy}
                  onClick={() => void control(() => api.automations.approveRun(r.id))}
                >
                  Approve
                </button>
              ) : null}
              {ACTIVE_RUN_STATES.has(r.state) ? (
                <button
                  type="button"
                  className="danger"
                  data-mutates=""
                  disabled={act.busy}
                  onClick={() => void control(() => api.automations.cancelRun(r.id))}
                >
                  Cancel run
                </button>
              ) : null}
            </>
          ) : null
        }
      />
      <ErrorBox error={act.error ?? data.error} />
      <div className="stack">
        <p aria-live="polite">
          <RunCounts counts={r.counts} />
        </p>
        {shown ? <DeviceSteps d={shown} /> : null}
        <DataTable
          columns={DEVICE_COLUMNS}
          rows={devices}
          rowKey={(d) => d.deviceId}
          testId="run-devices"
          label="Devices in this run"
          empty="No device in this run."
          rowClass={(d) => (d.deviceId === open ? 'row-selected' : undefined)}
          actions={[
            {
              label: (d) => (d.deviceId === open ? 'Hide steps' : 'Steps'),
              name: (d) => `Steps on ${d.deviceId}`,
              mutates: false,
              onClick: (d) => setOpen(d.deviceId === open ? null : d.deviceId),
            },
          ]}
        />
      </div>
    </>
  );
}
