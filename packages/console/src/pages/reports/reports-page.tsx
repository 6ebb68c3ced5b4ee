import { useState } from 'react';
import { REPORTS_ROUTES } from '@outpost/protocol';
import { api } from '../../app/api.js';
import type { ReportRun, ReportSchedule } from '../../app/route-types.js';
import { useCan } from '../../app/session.js';
import { useAction } from '../../app/use-async.js';
import { useRoute } from '../../app/use-route.js';
import { ErrorBox, PageHeader, StateBadge, Time } from '../../ui/bits.js';
import { DataTable, type Column } from '../../ui/data-table.js';
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
    const req = {
      kind,
      periodHours: hours,
      formats: ['html', 'csv', 'json'] as Array<'html' | 'csv' | 'json'>,
      ...(kind === 'device'
        ? { deviceId: deviceId.trim() }
        : filter.trim()
          ? { scope: { filter: filter.trim() } }
          : {}),
    };
    const r = await act.perform<unknown>(() =>
      schedule ? api.reports.schedule({ ...req, name: name.trim(), cron: cron.trim() }) : api.reports.run(req),
    );
    if (r) onDone();
  }
  return (
    <Dialog
      title={schedule ? 'Schedule a report' : 'Run a report'}
      open
      onClose={onClose}
      onSubmit={() => void submit()}
      submitLabel={schedule ? 'Schedule' : 'Run now'}
      busy={act.busy}
    >
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
          <input type="radio" name="rep-kind" checked={kind === 'fleet'} onChange={() => setKind('fleet')} /> The fleet
          (or the devices a filter chooses)
        </label>
        <label>
          <input type="radio" name="rep-kind" checked={kind === 'device'} onChange={() => setKind('device')} /> One
          device
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
          <input
            id="rep-filter"
            className="mono"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            placeholder="every device"
          />
        </div>
      )}
      <div className="field">
        <label htmlFor="rep-hours">Period (hours)</label>
        <input
          id="rep-hours"
          type="number"
          min={1}
          max={24 * 366}
          value={hours}
          onChange={(e) => setHours(Number(e.target.value))}
        />
      </div>
      <ErrorBox error={act.error} />
    </Dialog>
  );
}

function Downloads({ run }: { run: ReportRun }) {
  const act = useAction();
  const get = (f: 'html' | 'csv' | 'json') =>
    void act.perform(async () => {
      download(`${run.title.replace(/[^\w.-]+/g, '-')}.${f}`, await api.reports.content(run.id, f), TYPES[f]);
      return true;
    });
  return (
    <>
      {run.state === 'succeeded'
        ? run.formats.map((f) => (
            <button key={f} type="button" className="link" onClick={() => get(f)}>
              {f.toUpperCase()}
            </button>
          ))
        : null}
      <ErrorBox error={act.error} />
    </>
  );
}

const RUN_COLUMNS: Column<ReportRun>[] = [
  { key: 'title', header: 'Report', className: 'strong', cell: (r) => r.title },
  {
    key: 'state',
    header: 'State',
    cell: (r) => (
      <>
        <StateBadge state={r.state} />
        {r.error ? <div className="bad small">{r.error}</div> : null}
      </>
    ),
  },
  { key: 'started', header: 'Started', cell: (r) => <Time iso={r.startedAt} /> },
  { key: 'by', header: 'By', cell: (r) => r.requestedBy },
  { key: 'download', header: 'Download', className: 'actions', cell: (r) => <Downloads run={r} /> },
];

const SCHEDULE_COLUMNS: Column<ReportSchedule>[] = [
  { key: 'name', header: 'Name', className: 'strong', cell: (s) => s.name },
  {
    key: 'when',
    header: 'When',
    cell: (s) => (
      <>
        <code>{s.cron}</code> {s.timezone}
      </>
    ),
  },
  { key: 'next', header: 'Next run', cell: (s) => <Time iso={s.nextRunAt} /> },
  { key: 'last', header: 'Last run', cell: (s) => <Time iso={s.lastRunAt} /> },
];

export function ReportsPage() {
  const can = useCan();
  const runs = useRoute(REPORTS_ROUTES.runs, { query: { limit: 50 } });
  const schedules = useRoute(REPORTS_ROUTES.schedules);
  const [dialog, setDialog] = useState<'run' | 'schedule' | null>(null);
  const act = useAction();
  const removeSchedule = (x: ReportSchedule) =>
    void act.perform(async () => (await api.reports.removeSchedule(x.id), true)).then((ok) => ok && schedules.reload());
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
        <DataTable
          columns={SCHEDULE_COLUMNS}
          rows={schedules.data?.items}
          rowKey={(x) => x.id}
          rowClass={(x) => (x.enabled ? undefined : 'row-muted')}
          actions={[{ label: 'Delete', min: 'operator', danger: true, onClick: removeSchedule }]}
          bare
        />
      </section>
      <h2 className="section-title">Runs</h2>
      <DataTable
        columns={RUN_COLUMNS}
        rows={runs.data?.items}
        rowKey={(r) => r.id}
        loading={runs.loading}
        error={runs.error}
        empty="No report has run yet."
      />
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
