import { useState } from 'react';
import { ALERTS_ROUTES, type AlertBulkResult, type AlertSeverity } from '@outpost/protocol';
import type { Alert } from '../../app/route-types.js';
import { useRoute } from '../../app/use-route.js';
import { num } from '../../app/format.js';
import { useDevicesById } from '../../app/names.js';
import { href, navigate, useLocation } from '../../app/router.js';
import { useLiveEvent } from '../../app/live.js';
import { useCan } from '../../app/session.js';
import { DataTable, type Column } from '../../ui/data-table.js';
import { alertColumns } from './alert-columns.js';
import { BulkNoteDialog, BulkOutcome, type BulkKind } from './alert-bulk.js';
import { History, NoteDialog } from './alert-dialogs.js';
import { GROUPINGS, groupAlerts, type AlertGrouping } from './alert-groups.js';

export const SEVERITIES: AlertSeverity[] = ['critical', 'warning', 'info'];
const STATES = [
  ['open', 'Open'],
  ['firing', 'Firing'],
  ['acknowledged', 'Acknowledged'],
  ['resolved', 'Resolved'],
] as const;

type Selection = { selected: Set<string>; toggle(ids: string[], on: boolean): void };

/** A checkbox column for operators: one alert, and in the header every alert of the table. */
function selectColumn(rows: Alert[], sel: Selection, label: string): Column<Alert> {
  const all = rows.length > 0 && rows.every((a) => sel.selected.has(a.id));
  return {
    key: 'select',
    width: '2.5rem',
    header: (
      <input
        type="checkbox"
        aria-label={`Select every alert in ${label}`}
        checked={all}
        onChange={(e) =>
          sel.toggle(
            rows.map((a) => a.id),
            e.target.checked,
          )
        }
      />
    ),
    cell: (a) => (
      <input
        type="checkbox"
        aria-label={`Select ${a.ruleName} on ${a.deviceName}`}
        checked={sel.selected.has(a.id)}
        onChange={(e) => sel.toggle([a.id], e.target.checked)}
      />
    ),
  };
}

/** Alerts list for the whole fleet or one device: grouped by rule, group or site; several at once acknowledged or resolved. */
export function AlertList({ deviceId, onChanged }: { deviceId?: string; onChanged?(): void }) {
  const { query } = useLocation();
  const can = useCan();
  const state = (query.get('state') ?? 'open') as (typeof STATES)[number][0];
  const severity = (query.get('severity') ?? undefined) as AlertSeverity | undefined;
  const by = (GROUPINGS.find(([g]) => g === query.get('by'))?.[0] ?? 'none') as AlertGrouping;
  const list = useRoute(ALERTS_ROUTES.list, { query: { state, severity, device: deviceId, limit: 200 } });
  useLiveEvent('alerts', () => list.reload());
  const items = list.data?.items;
  const devices = useDevicesById(by === 'group' || by === 'site' ? (items ?? []).map((a) => a.deviceId) : []);
  const [note, setNote] = useState<{ alert: Alert; kind: BulkKind } | null>(null);
  const [history, setHistory] = useState<string | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [bulk, setBulk] = useState<BulkKind | null>(null);
  const [outcome, setOutcome] = useState<AlertBulkResult | null>(null);
  const canAct = can('operator');
  const shown = new Set(items?.map((a) => a.id));
  const chosen = [...selected].filter((id) => shown.has(id));
  const sel: Selection = {
    selected,
    toggle: (ids, on) =>
      setSelected((s) => {
        const n = new Set(s);
        for (const id of ids)
          if (on) n.add(id);
          else n.delete(id);
        return n;
      }),
  };
  const set = (q: Record<string, string | undefined>) =>
    navigate(
      href(window.location.pathname, {
        tab: query.get('tab') ?? undefined,
        state,
        severity,
        by: by === 'none' ? undefined : by,
        ...q,
      }),
    );
  const changed = () => {
    list.reload();
    onChanged?.();
  };
  const table = (rows: Alert[] | undefined, label: string, testId?: string) => (
    <DataTable
      columns={[...(canAct && rows ? [selectColumn(rows, sel, label)] : []), ...alertColumns(!deviceId)]}
      rows={rows}
      rowKey={(a) => a.id}
      rowClass={(a) =>
        selected.has(a.id) ? 'selected' : a.state === 'firing' && a.severity === 'critical' ? 'row-bad' : undefined
      }
      actions={[
        { label: 'History', mutates: false, onClick: (a) => setHistory(a.id) },
        {
          label: 'Acknowledge',
          min: 'operator',
          hidden: (a) => a.state !== 'firing',
          onClick: (a) => setNote({ alert: a, kind: 'ack' }),
        },
        {
          label: 'Resolve',
          min: 'operator',
          hidden: (a) => a.state === 'resolved',
          onClick: (a) => setNote({ alert: a, kind: 'resolve' }),
        },
      ]}
      loading={list.loading}
      error={list.error}
      empty={state === 'open' ? 'Nothing needs attention.' : 'No alerts in this view.'}
      testId={testId}
      label={label}
    />
  );
  const groups = items && by !== 'none' ? groupAlerts(items, by, devices) : null;
  return (
    <>
      <div className="row filters-inline" role="group" aria-label="Alert filters">
        <div className="segmented" role="group" aria-label="State">
          {STATES.map(([s, label]) => (
            <button key={s} type="button" aria-pressed={state === s} onClick={() => set({ state: s })}>
              {label}
            </button>
          ))}
        </div>
        <label className="page-size">
          Severity
          <select value={severity ?? ''} onChange={(e) => set({ severity: e.target.value || undefined })}>
            <option value="">any</option>
            {SEVERITIES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        {deviceId ? null : (
          <label className="page-size">
            Group by
            <select value={by} onChange={(e) => set({ by: e.target.value === 'none' ? undefined : e.target.value })}>
              {GROUPINGS.map(([g, label]) => (
                <option key={g} value={g}>
                  {label}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <BulkOutcome result={outcome} onDismiss={() => setOutcome(null)} />
      {canAct && chosen.length > 0 ? (
        <div className="bulk-bar" role="region" aria-label="Bulk actions">
          <span>
            <strong>{num(chosen.length)}</strong> selected
          </span>
          <button type="button" data-mutates="" onClick={() => setBulk('ack')}>
            Acknowledge selected…
          </button>
          <button type="button" data-mutates="" onClick={() => setBulk('resolve')}>
            Resolve selected…
          </button>
          <button type="button" className="link" onClick={() => setSelected(new Set())}>
            Clear selection
          </button>
        </div>
      ) : null}
      {groups ? (
        <div className="stack" data-testid="alert-groups">
          {groups.map((g) => (
            <section key={g.key} className="alert-group" aria-label={g.label}>
              <h3 className="alert-group-head">
                {g.label} <span className="badge">{num(g.alerts.length)}</span>
                <span className="muted small">
                  {num(g.firing)} firing · {num(g.critical)} critical
                </span>
              </h3>
              {table(g.alerts, g.label)}
            </section>
          ))}
          {groups.length === 0 ? table(items, 'alerts', 'alerts-table') : null}
        </div>
      ) : (
        table(items, 'alerts', 'alerts-table')
      )}
      {note ? (
        <NoteDialog
          alert={note.alert}
          kind={note.kind}
          onClose={() => setNote(null)}
          onDone={() => {
            setNote(null);
            changed();
          }}
        />
      ) : null}
      {bulk ? (
        <BulkNoteDialog
          kind={bulk}
          ids={chosen}
          onClose={() => setBulk(null)}
          onDone={(r) => {
            setBulk(null);
            setOutcome(r);
            setSelected(new Set());
            changed();
          }}
        />
      ) : null}
      {history ? <History id={history} onClose={() => setHistory(null)} /> : null}
    </>
  );
}
