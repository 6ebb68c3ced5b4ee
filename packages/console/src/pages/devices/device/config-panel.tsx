import { absolute } from '../../../app/format.js';
import { api } from '../../../app/api.js';
import { useCan } from '../../../app/session.js';
import { useAction, useAsync } from '../../../app/use-async.js';
import { Link } from '../../../app/router.js';
import { Empty, ErrorBox, Loading, StateBadge, Time } from '../../../ui/bits.js';
import { DataTable, type Column } from '../../../ui/data-table.js';

const show = (v: unknown) =>
  v && typeof v === 'object' && '$secret' in v
    ? '••••••'
    : v === null || v === undefined
      ? '–'
      : typeof v === 'string'
        ? v
        : JSON.stringify(v);

type Entry = Awaited<ReturnType<typeof api.deviceConfig.get>>['entries'][number];

const COLUMNS: Column<Entry>[] = [
  { key: 'key', header: 'Setting', cell: (e) => <code>{e.key}</code> },
  { key: 'desired', header: 'Desired', className: 'mono', cell: (e) => show(e.desired) },
  { key: 'actual', header: 'Reported', className: 'mono', cell: (e) => show(e.actual) },
  {
    key: 'from',
    header: 'From',
    cell: (e) =>
      e.source.kind === 'override' ? (
        'device override'
      ) : (
        <Link to={`/templates/${encodeURIComponent(e.source.template)}`}>
          {e.source.template} v{e.source.version}
        </Link>
      ),
  },
  {
    key: 'state',
    header: 'State',
    cell: (e) => (
      <>
        <StateBadge state={e.status} />
        {e.invalid ? (
          <span className="muted" title={e.invalid}>
            {' '}
            · invalid: {e.invalid}
          </span>
        ) : null}
      </>
    ),
  },
];

/** Desired settings (templates and overrides) beside what the device reports, key by key. */
export function ConfigPanel({ deviceId }: { deviceId: string }) {
  const can = useCan();
  const view = useAsync(() => api.deviceConfig.get(deviceId), [deviceId]);
  const push = useAction();
  if (view.loading && !view.data) return <Loading />;
  if (view.error) return <ErrorBox error={view.error} />;
  const v = view.data!;
  return (
    <div className="stack">
      <div className="card-head">
        <p>
          Desired version <strong>{v.desiredVersion}</strong>, reported {v.reportedVersion ?? 'nothing yet'}{' '}
          {v.reportedAt ? <Time iso={v.reportedAt} /> : null}
          {v.state ? (
            <>
              {' '}
              · <StateBadge state={v.state} />
            </>
          ) : null}
          {v.maintenanceUntil ? <> · in maintenance until {absolute(v.maintenanceUntil)}</> : null}
        </p>
        {can('operator') ? (
          <button
            type="button"
            data-mutates=""
            disabled={push.busy}
            onClick={() => void push.perform(() => api.deviceConfig.push(deviceId)).then((r) => r && view.reload())}
          >
            Push desired settings
          </button>
        ) : null}
      </div>
      <ErrorBox error={push.error} />
      {v.invalidCount > 0 ? (
        <section className="card" aria-label="Invalid reported values">
          <h3>
            {v.invalidCount} reported {v.invalidCount === 1 ? 'value breaks' : 'values break'} the {`model's`} settings
            schema
          </h3>
          <ul>
            {v.invalid.map((x) => (
              <li key={x.path}>
                <code>{x.key}</code> <span className="muted">{x.path}</span>: {x.message}
              </li>
            ))}
          </ul>
          {v.invalidCount > v.invalid.length ? (
            <p className="muted">and {v.invalidCount - v.invalid.length} more</p>
          ) : null}
        </section>
      ) : null}
      {v.entries.length === 0 ? (
        <Empty>
          No template or override manages this device. <Link to="/templates">Templates</Link> choose devices by group or
          filter.
        </Empty>
      ) : (
        <DataTable
          columns={COLUMNS}
          rows={v.entries}
          rowKey={(e) => e.key}
          rowClass={(e) => (e.status === 'drifted' ? 'row-bad' : undefined)}
        />
      )}
    </div>
  );
}
