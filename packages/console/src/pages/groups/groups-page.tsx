import { useState } from 'react';
import { api, isApiError } from '../../app/api.js';
import { num } from '../../app/format.js';
import { Link, href, quote } from '../../app/router.js';
import { useCan } from '../../app/session.js';
import { useAction, useAsync } from '../../app/use-async.js';
import { Empty, ErrorBox, Loading, PageHeader } from '../../ui/bits.js';
import { Dialog } from '../../ui/dialog.js';

function NewGroup({ onCreated }: { onCreated(): void }) {
  const [open, setOpen] = useState(false);
  const [path, setPath] = useState('');
  const [kind, setKind] = useState<'static' | 'dynamic'>('static');
  const [filter, setFilter] = useState('');
  const [description, setDescription] = useState('');
  const act = useAction();
  async function create() {
    const r = await act.perform(() => api.groups.create({ path: path.trim(), kind, ...(kind === 'dynamic' ? { filter } : {}), description }));
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
      <Dialog title="New group" open={open} onClose={() => setOpen(false)} onSubmit={() => void create()} submitLabel="Create group" busy={act.busy}>
        <div className="field">
          <label htmlFor="group-path">Path</label>
          <input id="group-path" value={path} onChange={(e) => setPath(e.target.value)} required placeholder="north/substations" autoFocus />
          <div className="hint">Lower-case names separated by “/”; a group includes its sub-groups.</div>
        </div>
        <fieldset className="radios">
          <legend>Members</legend>
          <label>
            <input type="radio" name="kind" checked={kind === 'static'} onChange={() => setKind('static')} /> Chosen by hand (static)
          </label>
          <label>
            <input type="radio" name="kind" checked={kind === 'dynamic'} onChange={() => setKind('dynamic')} /> Every device a filter matches (dynamic)
          </label>
        </fieldset>
        {kind === 'dynamic' ? (
          <div className={`field${filterProblem ? ' field-invalid' : ''}`}>
            <label htmlFor="group-filter">Filter</label>
            <input id="group-filter" className="mono" value={filter} onChange={(e) => setFilter(e.target.value)} required aria-invalid={filterProblem || undefined} />
          </div>
        ) : null}
        <div className="field">
          <label htmlFor="group-description">Description</label>
          <input id="group-description" value={description} onChange={(e) => setDescription(e.target.value)} maxLength={1024} />
        </div>
        <ErrorBox error={act.error} />
      </Dialog>
    </>
  );
}

export function GroupsPage() {
  const can = useCan();
  const groups = useAsync(() => api.groups.list(), []);
  const [removing, setRemoving] = useState<string | null>(null);
  const act = useAction();
  const items = [...(groups.data?.items ?? [])].sort((a, b) => a.path.localeCompare(b.path));
  return (
    <>
      <PageHeader title="Groups" subtitle="Static groups hold chosen devices; dynamic groups follow a filter." actions={can('operator') ? <NewGroup onCreated={groups.reload} /> : undefined} />
      <ErrorBox error={groups.error} />
      {groups.loading && !groups.data ? <Loading /> : null}
      {groups.data && items.length === 0 ? <Empty>No groups yet.{can('operator') ? ' Create one to target templates, policies and commands.' : ''}</Empty> : null}
      {items.length ? (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Path</th>
                <th scope="col">Kind</th>
                <th scope="col">Members</th>
                <th scope="col">Description</th>
                {can('operator') ? <th scope="col"><span className="sr-only">Actions</span></th> : null}
              </tr>
            </thead>
            <tbody>
              {items.map((g) => (
                <tr key={g.id}>
                  <td style={{ paddingLeft: `${0.75 + (g.path.split('/').length - 1) * 1.25}rem` }}>
                    <Link to={href('/devices', { filter: `group = ${quote(g.path)}` })} className="strong">
                      {g.path}
                    </Link>
                  </td>
                  <td>{g.kind === 'dynamic' ? <span title={g.filter ?? ''}>dynamic: <code>{g.filter}</code></span> : 'static'}</td>
                  <td className="num">{g.directMembers === null ? <Link to={href('/devices', { filter: `group = ${quote(g.path)}` })}>see list</Link> : num(g.directMembers)}</td>
                  <td>{g.description || <span className="muted">–</span>}</td>
                  {can('operator') ? (
                    <td className="actions">
                      <button type="button" className="link danger-text" data-mutates="" onClick={() => setRemoving(g.path)} aria-label={`Delete group ${g.path}`}>
                        Delete
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Dialog
        title="Delete group"
        open={removing !== null}
        onClose={() => setRemoving(null)}
        danger
        busy={act.busy}
        submitLabel="Delete group"
        onSubmit={() =>
          void act
            .perform(async () => (await api.groups.remove(removing!), true))
            .then((ok) => {
              if (!ok) return;
              setRemoving(null);
              groups.reload();
            })
        }
      >
        <p>
          Delete <strong>{removing}</strong>? Its devices stay enrolled; templates, policies and filters that name it stop matching them.
        </p>
        <ErrorBox error={act.error} />
      </Dialog>
    </>
  );
}
