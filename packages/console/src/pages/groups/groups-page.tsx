import { useState } from 'react';
import { api, isApiError } from '../../app/api.js';
import { num } from '../../app/format.js';
import { Link, href, quote } from '../../app/router.js';
import { useCan } from '../../app/session.js';
import { useAction, useAsync } from '../../app/use-async.js';
import { ErrorBox, PageHeader } from '../../ui/bits.js';
import { DataTable, type Column, type RowAction } from '../../ui/data-table.js';
import { Dialog } from '../../ui/dialog.js';

function NewGroup({ onCreated }: { onCreated(): void }) {
  const [open, setOpen] = useState(false);
  const [path, setPath] = useState('');
  const [kind, setKind] = useState<'static' | 'dynamic'>('static');
  const [filter, setFilter] = useState('');
  const [description, setDescription] = useState('');
  const act = useAction();
  async function create() {
    const r = await act.perform(() =>
      api.groups.create({ path: path.trim(), kind, ...(kind === 'dynamic' ? { filter } : {}), description }),
    );
    if (!r) return;
    setOpen(false);
    setPath('');
    setFilter('');
    setDescription('');
    onCreated();
  }
  const filterProblem = isApiError(act.error, 'filter_syntax') || isApiError(act.error, 'filter_unknown_field');
  return (
    <>
      <button type="button" className="primary" data-mutates="" onClick={() => setOpen(true)}>
        New group…
      </button>
      <Dialog
        title="New group"
        open={open}
        onClose={() => setOpen(false)}
        onSubmit={() => void create()}
        submitLabel="Create group"
        busy={act.busy}
      >
        <div className="field">
          <label htmlFor="group-path">Path</label>
          <input
            id="group-path"
            value={path}
            onChange={(e) => setPath(e.target.value)}
            required
            placeholder="north/substations"
            autoFocus
          />
          <div className="hint">Lower-case names separated by “/”; a group includes its sub-groups.</div>
        </div>
        <fieldset className="radios">
          <legend>Members</legend>
          <label>
            <input type="radio" name="kind" checked={kind === 'static'} onChange={() => setKind('static')} /> Chosen by
            hand (static)
          </label>
          <label>
            <input type="radio" name="kind" checked={kind === 'dynamic'} onChange={() => setKind('dynamic')} /> Every
            device a filter matches (dynamic)
          </label>
        </fieldset>
        {kind === 'dynamic' ? (
          <div className={`field${filterProblem ? ' field-invalid' : ''}`}>
            <label htmlFor="group-filter">Filter</label>
            <input
              id="group-filter"
              className="mono"
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
              required
              aria-invalid={filterProblem || undefined}
            />
          </div>
        ) : null}
        <div className="field">
          <label htmlFor="group-description">Description</label>
          <input
            id="group-description"
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            maxLength={1024}
          />
        </div>
        <ErrorBox error={act.error} />
      </Dialog>
    </>
  );
}

type GroupRow = Awaited<ReturnType<typeof api.groups.list>>['items'][number];

const membersLink = (g: GroupRow) => href('/devices', { filter: `group = ${quote(g.path)}` });

const COLUMNS: Column<GroupRow>[] = [
  {
    key: 'path',
    header: 'Path',
    cell: (g) => (
      <Link
        to={membersLink(g)}
        className="strong"
        style={{ marginLeft: `${(g.path.split('/').length - 1) * 1.25}rem` }}
      >
        {g.path}
      </Link>
    ),
  },
  {
    key: 'kind',
    header: 'Kind',
    cell: (g) =>
      g.kind === 'dynamic' ? (
        <span title={g.filter ?? ''}>
          dynamic: <code>{g.filter}</code>
        </span>
      ) : (
        'static'
      ),
  },
  {
    key: 'members',
    header: 'Members',
    align: 'right',
    cell: (g) => (g.directMembers === null ? <Link to={membersLink(g)}>see list</Link> : num(g.directMembers)),
  },
  { key: 'description', header: 'Description', cell: (g) => g.description || <span className="muted">–</span> },
];

export function GroupsPage() {
  const can = useCan();
  const groups = useAsync(() => api.groups.list(), []);
  const items = [...(groups.data?.items ?? [])].sort((a, b) => a.path.localeCompare(b.path));
  const actions: RowAction<GroupRow>[] = [
    {
      label: 'Delete',
      name: (g) => `Delete group ${g.path}`,
      min: 'operator',
      danger: true,
      confirm: (g) => ({
        title: 'Delete group',
        confirmLabel: 'Delete group',
        body: (
          <p>
            Delete <strong>{g.path}</strong>? Its devices stay enrolled; templates, policies and filters that name it
            stop matching them.
          </p>
        ),
        run: () => api.groups.remove(g.path),
        onDone: groups.reload,
      }),
    },
  ];
  const hint = can('operator') ? ' Create one to target templates, policies and commands.' : '';
  return (
    <>
      <PageHeader
        title="Groups"
        subtitle="Static groups hold chosen devices; dynamic groups follow a filter."
        actions={can('operator') ? <NewGroup onCreated={groups.reload} /> : undefined}
      />
      <DataTable
        columns={COLUMNS}
        rows={groups.data ? items : undefined}
        rowKey={(g) => g.id}
        actions={actions}
        loading={groups.loading}
        error={groups.error}
        empty={`No groups yet.${hint}`}
      />
    </>
  );
}
