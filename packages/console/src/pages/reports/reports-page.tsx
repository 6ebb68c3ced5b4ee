import { useState } from 'react';
import type { ReportRun } from '@outpost/protocol';
import { api } from '../../app/api.js';
import { useCan } from '../../app/session.js';
import { useAction, useAsync } from '../../app/use-async.js';
import { Empty, ErrorBox, Loading, PageHeader, StateBadge, Time } from '../../ui/bits.js';
import { Dialog } from '../../ui/dialog.js';

function download(name: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const TYPES = { html: 'text/html;charset=utf-8', csv: 'text/csv;charset=utf-8', json: 'application/json' } as const;

function RunDialog({ schedule, onClose, onDone }: { schedule: boolean; onClose(): void; onDone(): void }) {
  const [kind, setKind] = useState<'fleet' | 'device'>('fleet');
  const [deviceId, setDeviceId] = useState('');
  const [filter, setFilter] = useState('');
  const [hours, setHours] = useState(24 * 7);
  const [name, setName] = useState('');
  const [cron, setCron] = useState('0 7 * * 1');
  const act = useAction();
  async function submit() {
    const req = { kind, periodHours: hours, formats: ['html', 'csv', 'json'] as Array<'html' | 'csv' | 'json'>, ...(kind === 'device' ? { deviceId: deviceId.trim() } : filter.trim() ? { scope: { filter: filter.trim() } } : {}) };
    const r = await act.perform<unknown>(() => (schedule ? api.reports.schedule({ ...req, name: name.trim(), cron: cron.trim() }) : api.reports.run(req)));
    if (r) onDone();
  }
  return (
    <Dialog title={schedule ? 'Schedule a report' : 'Run a report'} open onClose={onClose} onSubmit={() => void submit()} submitLabel={schedule ? 'Schedule' : 'Run now'} busy={act.busy}>
      {schedule ? (
        <div className="form-grid">
          <div className="field">
            <label htmlFor="rep-name">Name</label>
            <input id="rep-name" value={name} onChange={(e) => setName(e.target.value)} required autoFocus />
          </div>
          <div className="field">
            <label htmlFor="rep-cron">When (cron)</label>
            <input id="rep-cron" className="mono" value={cron} onChange={(e) => setCron(e.target.value)} required />
          </div>
        </div>
      ) : null}
      <fieldset className="radios">
        <legend>Report on</legend>
        <label>
          <input type="radio" name="rep-kind" checked={kind === 'fleet'} onChange={() => setKind('fleet')} /> The fleet (or the devices a filter chooses)
        </label>
        <label>
          <input type="radio" name="rep-kind" checked={kind === 'device'} onChange={() => setKind('device')} /> One device
        </label>
      </fieldset>
      {kind === 'device' ? (
        <div className="field">
          <label htmlFor="rep-device">Device id</label>
          <input id="rep-device" value={deviceId} onChange={(e) => setDeviceId(e.target.value)} required />
        </div>
      ) : (
        <div className="field">
          <label htmlFor="rep-filter">Filter (optional)</label>
          <input id="rep-filter" className="mono" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="every device" />
        </div>
      )}
      <div className="field">
        <label htmlFor="rep-hours">Period (hours)</label>
        <input id="rep-hours" type="number" min={1} max={24 * 366} value={hours} onChange={(e) => setHours(Number(e.target.value))} />
      </div>
      <ErrorBox error={act.error} />
    </Dialog>
  );
}

function RunRow({ run }: { run: ReportRun }) {
  const act = useAction();
  const get = (f: 'html' | 'csv' | 'json') =>
    void act.perform(async () => {
      download(`${run.title.replace(/[^\w.-]+/g, '-')}.${f}`, await api.reports.content(run.id, f), TYPES[f]);
      return true;
    });
  return (
    <tr>
      <td className="strong">{run.title}</td>
      <td>
        <StateBadge state={run.state} />
        {run.error ? <div className="bad small">{run.error}</div> : null}
      </td>
      <td>
        <Time iso={run.startedAt} />
      </td>
      <td>{run.requestedBy}</td>
      <td className="actions">
        {run.state === 'succeeded'
          ? run.formats.map((f) => (
              <button key={f} type="button" className="link" onClick={() => get(f)}>
                {f.toUpperCase()}
              </button>
            ))
          : null}
        <ErrorBox error={act.error} />
      </td>
    </tr>
  );
}

export function ReportsPage() {
  const can = useCan();
  const runs = useAsync(() => api.reports.runs({ limit: 50 }), []);
  const schedules = useAsync(() => api.reports.schedules(), []);
  const [dialog, setDialog] = useState<'run' | 'schedule' | null>(null);
  const act = useAction();
  return (
    <>
      <PageHeader
        title="Reports"
        subtitle="Availability, health and alerts over a period, as HTML, CSV and JSON."
        actions={
          can('operator') ? (
            <>
              <button type="button" className="secondary" data-mutates="" onClick={() => setDialog('schedule')}>
                Schedule…
              </button>
              <button type="button" className="primary" data-mutates="" onClick={() => setDialog('run')}>
                Run a report…
              </button>
            </>
          ) : undefined
        }
      />
      <section className="card">
        <h2>Schedules</h2>
        <ErrorBox error={schedules.error ?? act.error} />
        {schedules.data?.items.length === 0 ? <p className="muted">Nothing scheduled.</p> : null}
        {schedules.data && schedules.data.items.length > 0 ? (
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">When</th>
                <th scope="col">Next run</th>
                <th scope="col">Last run</th>
                {can('operator') ? <th scope="col"><span className="sr-only">Actions</span></th> : null}
              </tr>
            </thead>
            <tbody>
              {schedules.data.items.map((s) => (
                <tr key={s.id} className={s.enabled ? undefined : 'row-muted'}>
                  <td className="strong">{s.name}</td>
                  <td>
                    <code>{s.cron}</code> {s.timezone}
                  </td>
                  <td>
                    <Time iso={s.nextRunAt} />
                  </td>
                  <td>
                    <Time iso={s.lastRunAt} />
                  </td>
                  {can('operator') ? (
                    <td className="actions">
                      <button type="button" className="link danger-text" data-mutates="" onClick={() => void act.perform(async () => (await api.reports.removeSchedule(s.id), true)).then((ok) => ok && schedules.reload())}>
                        Delete
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
      <h2 className="section-title">Runs</h2>
      <ErrorBox error={runs.error} />
      {runs.loading && !runs.data ? <Loading /> : null}
      {runs.data?.items.length === 0 ? <Empty>No report has run yet.</Empty> : null}
      {runs.data && runs.data.items.length > 0 ? (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Report</th>
                <th scope="col">State</th>
                <th scope="col">Started</th>
                <th scope="col">By</th>
                <th scope="col">Download</th>
              </tr>
            </thead>
            <tbody>
              {runs.data.items.map((r) => (
                <RunRow key={r.id} run={r} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {dialog ? (
        <RunDialog
          schedule={dialog === 'schedule'}
          onClose={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            runs.reload();
            schedules.reload();
          }}
        />
      ) : null}
    </>
  );
}
