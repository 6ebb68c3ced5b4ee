import { useEffect, useMemo, useState } from 'react';
import { DEVICES_ROUTES } from '@outpost/protocol';
import { loadRoute, useRoute } from '../../app/use-route.js';
import { num } from '../../app/format.js';
import { useLiveEvent } from '../../app/live.js';
import { href, navigate, useLocation } from '../../app/router.js';
import { useCan } from '../../app/session.js';
import { useAsync } from '../../app/use-async.js';
import { Empty, ErrorBox, PageHeader } from '../../ui/bits.js';
import { COLUMNS, DEFAULT_COLUMNS, type SortField } from './columns.js';
import { useDeviceExtras } from './device-extras.js';
import { FilterBar, problemOf } from './filter-bar.js';
import { BulkDialog, type BulkKind } from './bulk.js';
import { idFilters, type BulkTarget } from './bulk-actions.js';
import { ColumnsMenu, ViewsMenu } from './table-menus.js';
import { loadColumns, saveColumns } from './views.js';

const SORTS: SortField[] = ['name', 'id', 'model', 'firmware', 'presence', 'last_seen', 'enrolled_at'];
const PAGE_SIZES = [25, 50, 100, 200];

/** The fleet as a table: the hub filters, sorts and pages (cursor), so 100,000 devices cost one page. */
export function DevicesPage() {
  const { query } = useLocation();
  const can = useCan();
  const filter = query.get('filter') ?? '';
  const sort = (SORTS.includes(query.get('sort') as SortField) ? query.get('sort') : 'name') as SortField;
  const order = query.get('order') === 'desc' ? 'desc' : 'asc';
  const [limit, setLimit] = useState(50);
  const [columns, setColumns] = useState(() => loadColumns(DEFAULT_COLUMNS));
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [allMatching, setAllMatching] = useState(false);
  const [bulk, setBulk] = useState<{ kind: BulkKind; target: BulkTarget } | null>(null);
  // Pages are a stack of cursors for one filter, sort and size; any change starts again at page 1.
  const key = `${filter}\n${sort}\n${order}\n${limit}`;
  const [pager, setPager] = useState<{ key: string; cursors: Array<string | null> }>({ key, cursors: [null] });
  const cursors = pager.key === key ? pager.cursors : [null];
  const setCursors = (f: (c: Array<string | null>) => Array<string | null>) =>
    setPager((p) => ({ key, cursors: f(p.key === key ? p.cursors : [null]) }));
  const cursor = cursors[cursors.length - 1];

  useEffect(() => {
    setSelected(new Set());
    setAllMatching(false);
  }, [key]);

  const page = useRoute(DEVICES_ROUTES.list, {
    query: { filter: filter || undefined, sort, order, limit, cursor: cursor ?? undefined },
  });
  // Counting every match costs more than a page; it arrives on its own and never holds the table back.
  const total = useAsync(
    () =>
      loadRoute(DEVICES_ROUTES.list, { query: { filter: filter || undefined, limit: 1, count: true } }).then(
        (r) => r.total ?? 0,
      ),
    [filter],
  );
  const problem = problemOf(page.error);

  useLiveEvent('presence', (m) => {
    if (m.more > 0) {
      page.reload();
      total.reload();
      return;
    }
    const changes = new Map(m.changed);
    if (changes.size === 0) return;
    page.setData(
      (p) => p && { ...p, items: p.items.map((d) => (changes.has(d.id) ? { ...d, presence: changes.get(d.id)! } : d)) },
    );
  });

  const set = (q: { filter?: string; sort?: string; order?: string }) =>
    navigate(
      href('/devices', {
        filter,
        sort: sort === 'name' ? undefined : sort,
        order: order === 'asc' ? undefined : order,
        ...q,
      }),
    );
  const shown = useMemo(() => COLUMNS.filter((c) => columns.includes(c.id)), [columns]);
  const items = page.data?.items ?? [];
  const extras = useDeviceExtras(
    items.map((d) => d.id),
    { health: shown.some((c) => c.needs === 'health'), alerts: shown.some((c) => c.needs === 'alerts') },
  );
  const canAct = can('operator');
  const pageIds = items.map((d) => d.id);
  const allOnPage = pageIds.length > 0 && pageIds.every((id) => selected.has(id));

  function toggle(id: string) {
    setAllMatching(false);
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  }

  function togglePage() {
    setAllMatching(false);
    setSelected((s) => {
      const n = new Set(s);
      for (const id of pageIds)
        if (allOnPage) n.delete(id);
        else n.add(id);
      return n;
    });
  }

  function openBulk(kind: BulkKind) {
    const target: BulkTarget = allMatching
      ? { kind: 'filter', filter, count: total.data ?? 0 }
      : { kind: 'ids', ids: [...selected] };
    setBulk({ kind, target });
  }

  const first = (cursors.length - 1) * limit + 1;
  const selectionCount = allMatching ? (total.data ?? 0) : selected.size;

  return (
    <>
      <PageHeader
        title="Devices"
        subtitle={
          total.error
            ? 'Fix the filter to see what it matches.'
            : total.data !== undefined
              ? `${num(total.data)} ${filter ? 'match the filter' : 'in the fleet'}`
              : 'Counting…'
        }
        actions={
          <ViewsMenu
            current={{ filter, sort, order, columns }}
            onOpen={(v) => {
              setColumns(v.columns);
              saveColumns(v.columns);
              navigate(
                href('/devices', {
                  filter: v.filter,
                  sort: v.sort === 'name' ? undefined : v.sort,
                  order: v.order === 'asc' ? undefined : v.order,
                }),
              );
            }}
          />
        }
      />
      <FilterBar applied={filter} problem={problem} onApply={(f) => set({ filter: f })} />
      {problem ? null : <ErrorBox error={page.error} />}
      <div className="table-tools">
        {canAct && selectionCount > 0 ? (
          <div className="bulk-bar" role="region" aria-label="Bulk actions">
            <span>
              <strong>{num(selectionCount)}</strong>{' '}
              {allMatching ? `device${selectionCount === 1 ? '' : 's'} matching the filter` : 'selected'}
            </span>
            {!allMatching && allOnPage && (total.data ?? 0) > selected.size ? (
              <button type="button" className="link" onClick={() => setAllMatching(true)}>
                Select all {num(total.data)} matching
              </button>
            ) : null}
            <button type="button" data-mutates="" onClick={() => openBulk('tag')}>
              Tag…
            </button>
            <button type="button" data-mutates="" onClick={() => openBulk('group')}>
              Group…
            </button>
            <button type="button" data-mutates="" onClick={() => openBulk('command')}>
              Command…
            </button>
            <button
              type="button"
              data-mutates=""
              onClick={() =>
                navigate(href('/diagnostics', { filter: allMatching ? filter : idFilters([...selected]).join(' or ') }))
              }
            >
              Diagnostic…
            </button>
            <button type="button" data-mutates="" className="danger-outline" onClick={() => openBulk('reboot')}>
              Reboot…
            </button>
            <button
              type="button"
              className="link"
              onClick={() => {
                setSelected(new Set());
                setAllMatching(false);
              }}
            >
              Clear selection
            </button>
          </div>
        ) : (
          <span className="muted">{items.length ? `Showing ${num(first)}–${num(first + items.length - 1)}` : ''}</span>
        )}
        <ColumnsMenu
          columns={columns}
          onChange={(c) => {
            setColumns(c);
            saveColumns(c);
          }}
        />
      </div>
      <div className="table-wrap">
        <table
          className="data devices-table"
          aria-busy={page.loading}
          data-testid="devices-table"
          data-filter={filter}
          data-loading={page.loading ? 'true' : 'false'}
        >
          <thead>
            <tr>
              {canAct ? (
                <th className="select-col">
                  <input
                    type="checkbox"
                    aria-label="Select every device on this page"
                    checked={allOnPage}
                    onChange={togglePage}
                  />
                </th>
              ) : null}
              {shown.map((c) => (
                <th
                  key={c.id}
                  aria-sort={c.sort === sort ? (order === 'asc' ? 'ascending' : 'descending') : undefined}
                  scope="col"
                >
                  {c.sort ? (
                    <button
                      type="button"
                      className="sort"
                      onClick={() => set({ sort: c.sort, order: c.sort === sort && order === 'asc' ? 'desc' : 'asc' })}
                    >
                      {c.label}
                      <span aria-hidden="true" className="sort-mark">
                        {c.sort === sort ? (order === 'asc' ? '▲' : '▼') : ''}
                      </span>
                    </button>
                  ) : (
                    c.label
                  )}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr key={d.id} className={selected.has(d.id) || allMatching ? 'selected' : undefined}>
                {canAct ? (
                  <td className="select-col">
                    <input
                      type="checkbox"
                      aria-label={`Select ${d.name}`}
                      checked={allMatching || selected.has(d.id)}
                      onChange={() => toggle(d.id)}
                    />
                  </td>
                ) : null}
                {shown.map((c) => (
                  <td key={c.id} data-col={c.id}>
                    {c.render(d, extras)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {!page.loading && !page.error && items.length === 0 ? (
          <Empty>
            {filter
              ? 'No device matches this filter.'
              : 'No devices yet. Create an enrollment token and enroll the first one.'}
          </Empty>
        ) : null}
      </div>
      <nav className="pager" aria-label="Pages">
        <button
          type="button"
          className="secondary"
          disabled={cursors.length === 1}
          onClick={() => setCursors((c) => c.slice(0, -1))}
        >
          Previous
        </button>
        <span className="muted">Page {cursors.length}</span>
        <button
          type="button"
          className="secondary"
          disabled={!page.data?.nextCursor}
          onClick={() => page.data?.nextCursor && setCursors((c) => [...c, page.data!.nextCursor])}
        >
          Next
        </button>
        <label className="page-size">
          Rows
          <select value={limit} onChange={(e) => setLimit(Number(e.target.value))}>
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      </nav>
      {bulk ? (
        <BulkDialog
          kind={bulk.kind}
          target={bulk.target}
          onClose={() => setBulk(null)}
          onDone={() => {
            page.reload();
            total.reload();
          }}
        />
      ) : null}
    </>
  );
}
