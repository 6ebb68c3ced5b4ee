import { useState } from 'react';
import { CONFIGS_ROUTES } from '@outpost/protocol';
import { api } from '../../../app/api.js';
import { loadRoute, useRoute } from '../../../app/use-route.js';
import { useCan } from '../../../app/session.js';
import { useAction, useAsync } from '../../../app/use-async.js';
import { Link } from '../../../app/router.js';
import { Empty, ErrorBox, Loading, StateBadge, Time } from '../../../ui/bits.js';
import { DataTable, type Column } from '../../../ui/data-table.js';
import { ConfirmAction } from '../../../ui/confirm-action.js';
import { MaintenanceCard } from './maintenance-card.js';
import { OverrideDialog } from './override-dialog.js';

const show = (v: unknown) =>
  v && typeof v === 'object' && '$secret' in v
    ? '••••••'
    : v === null || v === undefined
      ? '–'
      : typeof v === 'string'
        ? v
        : JSON.stringify(v);

type Entry = Awaited<ReturnType<typeof api.deviceConfig.get>>['entries'][number];

const BASE_COLUMNS: Column<Entry>[] = [
  { key: 'key', header: 'Setting', cell: (e) => <code>{e.key}</code> },
  { key: 'desired', header: 'Desired', className: 'mono', cell: (e) => show(e.desired) },
  { key: 'actual', header: 'Reported', className: 'mono', cell: (e) => show(e.actual) },
  {
    key: 'from',
    header: 'From',
    cell: (e) =>
      e.source.kind === 'override' ? (
        <span className="badge">device override</span>
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

/** The device's model has a settings schema (the hub checks override values against it). */
function useModelHasSchema(model: string | null): boolean {
  const s = useAsync(
    () =>
      model
        ? loadRoute(CONFIGS_ROUTES.modelSchema, { params: { model } }).then(
            () => true,
            () => false,
          )
        : Promise.resolve(false),
    [model],
  );
  return s.data ?? false;
}

/**
 * Desired settings (templates and overrides) beside what the device reports, key by key; operators
 * add, change and remove overrides and open or close the maintenance window.
 */
export function ConfigPanel({ deviceId, model }: { deviceId: string; model: string | null }) {
  const can = useCan();
  const view = useRoute(CONFIGS_ROUTES.deviceConfig, { params: { id: deviceId } });
  const hasSchema = useModelHasSchema(model);
  const [editing, setEditing] = useState<{ key: string; value: unknown } | null | 'new'>(null);
  const push = useAction();
  if (view.loading && !view.data) return <Loading />;
  if (!view.data) return <ErrorBox error={view.error} />;
  const v = view.data;
  const columns: Column<Entry>[] = can('operator')
    ? [
        ...BASE_COLUMNS,
        {
          key: 'actions',
          header: 'Override',
          cell: (e) => (
            <span className="page-actions">
              <button
                type="button"
                className="secondary"
                data-mutates=""
                aria-label={`${e.source.kind === 'override' ? 'Change' : 'Override'} ${e.key}`}
                onClick={() => setEditing({ key: e.key, value: e.desired })}
              >
                {e.source.kind === 'override' ? 'Change…' : 'Override…'}
              </button>
              {e.source.kind === 'override' ? (
                <ConfirmAction
                  label="Remove…"
                  aria-label={`Remove override ${e.key}`}
                  data-mutates=""
                  spec={{
                    title: `Remove the override of ${e.key}?`,
                    body: <p>The setting goes back to what the templates say, or to unmanaged if none does.</p>,
                    confirmLabel: 'Remove override',
                    run: () => api.deviceConfig.removeOverride(deviceId, e.key),
                    onDone: view.reload,
                  }}
                />
              ) : null}
            </span>
          ),
        },
      ]
    : BASE_COLUMNS;
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
        </p>
        {can('operator') ? (
          <span className="page-actions">
            <button type="button" className="secondary" data-mutates="" onClick={() => setEditing('new')}>
              Add override…
            </button>
            <button
              type="button"
              data-mutates=""
              disabled={push.busy}
              onClick={() => void push.perform(() => api.deviceConfig.push(deviceId)).then((r) => r && view.reload())}
            >
              Push desired settings
            </button>
          </span>
        ) : null}
      </div>
      <ErrorBox error={push.error} />
      <ErrorBox error={view.error} />
      <MaintenanceCard
        deviceId={deviceId}
        until={v.maintenanceUntil}
        canChange={can('operator')}
        onChanged={view.reload}
      />
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
          columns={columns}
          rows={v.entries}
          rowKey={(e) => e.key}
          rowClass={(e) => (e.status === 'drifted' ? 'row-bad' : undefined)}
          testId="settings-table"
        />
      )}
      {editing !== null ? (
        <OverrideDialog
          deviceId={deviceId}
          initial={editing === 'new' ? null : editing}
          modelHasSchema={hasSchema}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            view.reload();
          }}
        />
      ) : null}
    </div>
  );
}
