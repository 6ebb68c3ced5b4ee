import { useState, type FormEvent } from 'react';
import { AUDIT_ROUTES, toCsv } from '@outpost/protocol';
import type { AuditRecord } from '../../app/route-types.js';
import { loadRoute, useRoute } from '../../app/use-route.js';
import { num } from '../../app/format.js';
import { useLive, useLiveEvent } from '../../app/live.js';
import { href, navigate, useLocation } from '../../app/router.js';
import { useAction } from '../../app/use-async.js';
import { ErrorBox, PageHeader } from '../../ui/bits.js';
import { DataTable } from '../../ui/data-table.js';
import { useCursorPages } from '../../ui/paging.js';
import { useNames } from '../../app/names.js';
import { auditColumns } from './audit-columns.js';

const PAGE = 100;
const NO_MATCH =
  'No record matches these filters. Filters match whole values: an action like “device.tag”, a target like “device:gw-01”.';
// CSV export reads the log in pages of the API's maximum, up to this many records.
const EXPORT_MAX = 50_000;

// Offered in the action filter beside the actions on the page; any other action can be typed.
const COMMON_ACTIONS = [
  'auth.login',
  'api.refused',
  'device.refused',
  'device.tag',
  'device.update',
  'command.send',
  'config.push',
  'group.create',
  'rollout.create',
  'alert.acknowledge',
  'user.create',
  'user.update',
];

/** Devices a record names: its target and device fields in its details. */
function deviceIdsOf(r: AuditRecord): string[] {
  const ids: string[] = [];
  if (r.target?.startsWith('device:')) ids.push(r.target.slice(7));
  for (const k of ['deviceId', 'device_id', 'device'])
    if (typeof r.details[k] === 'string') ids.push(r.details[k] as string);
  return ids;
}

/** The audit log as CSV (protocol's one writer: RFC 4180, formula injection defused). */
export function auditCsv(rows: AuditRecord[]): string {
  const head = [
    'seq',
    'ts',
    'actor_type',
    'actor',
    'action',
    'target',
    'outcome',
    'source_ip',
    'details',
    'prev_hash',
    'hash',
  ];
  const cells = rows.map((r) => [
    r.seq,
    r.ts,
    r.actorType,
    r.actor,
    r.action,
    r.target,
    r.outcome,
    r.sourceIp,
    r.details,
    r.prevHash,
    r.hash,
  ]);
  return toCsv([head, ...cells]);
}

function ChainStatus() {
  const v = useRoute(AUDIT_ROUTES.verify);
  if (v.loading && !v.data)
    return (
      <div className="notice" role="status">
        Verifying the hash chain…
      </div>
    );
  if (v.error) return <ErrorBox error={v.error} title="Chain verification failed to run" />;
  const r = v.data!;
  return r.ok ? (
    <div className="notice notice-ok" role="status" data-testid="chain-status">
      Hash chain intact: all {num(r.records)} records link to their predecessors and agree with {num(r.checkpoints)}{' '}
      signed checkpoints.{' '}
      <button type="button" className="link" onClick={v.reload}>
        Verify again
      </button>
    </div>
  ) : (
    <div className="notice notice-error" role="alert" data-testid="chain-status">
      Audit log broken from record {r.firstBrokenSeq}: {r.reason}. Records from there on cannot be trusted; compare with
      the checkpoints kept outside the hub (outpost audit verify --checkpoints) or a backup.
    </div>
  );
}

/** The hash-chained audit log: exact-match filters, pages, CSV export, chain verification. */
export function AuditPage() {
  const { query } = useLocation();
  const filters = {
    action: query.get('action') ?? '',
    actor: query.get('actor') ?? '',
    target: query.get('target') ?? '',
  };
  const [draft, setDraft] = useState(filters);
  const pages = useCursorPages();
  const [fresh, setFresh] = useState(0);
  const live = useLive();
  const cursor = pages.cursor === undefined ? undefined : Number(pages.cursor);
  const key = `${filters.action}|${filters.actor}|${filters.target}`;
  const [shownKey, setShownKey] = useState(key);
  if (shownKey !== key) {
    setShownKey(key);
    pages.reset();
    setDraft(filters);
  }
  const page = useRoute(AUDIT_ROUTES.list, {
    query: {
      action: filters.action || undefined,
      actor: filters.actor || undefined,
      target: filters.target || undefined,
      limit: PAGE,
      before: cursor,
    },
  });
  useLiveEvent('audit', (m) => setFresh((n) => n + m.items.length));
  const exporter = useAction();

  function apply(e: FormEvent) {
    e.preventDefault();
    navigate(href('/audit', { action: draft.action.trim(), actor: draft.actor.trim(), target: draft.target.trim() }));
  }

  const records = page.data?.items ?? [];
  const names = useNames(records.flatMap((r) => deviceIdsOf(r)));
  const columns = auditColumns((f) => navigate(href('/audit', { ...filters, ...f })), names);
  const actions = [...new Set([...COMMON_ACTIONS, ...records.map((r) => r.action)])].sort();

  async function exportCsv() {
    const rows: AuditRecord[] = [];
    let b: number | undefined;
    while (rows.length < EXPORT_MAX) {
      const p = await loadRoute(AUDIT_ROUTES.list, {
        query: {
          action: filters.action || undefined,
          actor: filters.actor || undefined,
          target: filters.target || undefined,
          limit: 1000,
          before: b,
        },
      });
      rows.push(...p.items);
      if (!p.nextCursor) break;
      b = Number(p.nextCursor);
    }
    const url = URL.createObjectURL(new Blob([auditCsv(rows)], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `outpost-audit-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.csv`;
    a.click();
    window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    return rows.length;
  }

  return (
    <>
      <PageHeader
        title="Audit log"
        subtitle="Every change, sign-in and refused device, each record sealed with the hash of the one before."
        actions={
          <button
            type="button"
            className="secondary"
            onClick={() => void exporter.perform(exportCsv)}
            disabled={exporter.busy}
          >
            {exporter.busy ? 'Exporting…' : 'Export CSV'}
          </button>
        }
      />
      <ChainStatus />
      <ErrorBox error={exporter.error} />
      <form className="filters" onSubmit={apply} aria-label="Audit filters">
        {(['action', 'actor', 'target'] as const).map((k) => (
          <div className="field" key={k}>
            <label htmlFor={`audit-${k}`}>{k[0].toUpperCase() + k.slice(1)}</label>
            <input
              id={`audit-${k}`}
              value={draft[k]}
              onChange={(e) => setDraft({ ...draft, [k]: e.target.value })}
              placeholder={k === 'action' ? 'device.tag' : k === 'target' ? 'device:gw-01' : 'admin'}
              list={k === 'action' ? 'audit-actions' : undefined}
            />
          </div>
        ))}
        <datalist id="audit-actions">
          {actions.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <div className="filter-buttons">
          <button type="submit" className="primary">
            Filter
          </button>
          {filters.action || filters.actor || filters.target ? (
            <button type="button" className="secondary" onClick={() => navigate('/audit')}>
              Clear
            </button>
          ) : null}
        </div>
      </form>
      {fresh > 0 && !cursor ? (
        <div className="notice" role="status">
          {num(fresh)} new record{fresh === 1 ? '' : 's'} since this page loaded (latest #{live.auditSeq}).{' '}
          <button
            type="button"
            className="link"
            onClick={() => {
              setFresh(0);
              page.reload();
            }}
          >
            Show them
          </button>
        </div>
      ) : null}
      <DataTable
        columns={columns}
        rows={page.data?.items}
        rowKey={(r) => r.seq}
        rowClass={(r) => (r.outcome !== 'ok' ? 'row-warn' : undefined)}
        loading={page.loading}
        error={page.error}
        empty={NO_MATCH}
        paging={{ mode: 'pages', pages, nextCursor: page.data?.nextCursor }}
        className="audit-table"
      />
    </>
  );
}
