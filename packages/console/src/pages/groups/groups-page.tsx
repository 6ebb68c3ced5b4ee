import { Fragment, useState } from 'react';
import { GROUPS_ROUTES } from '@outpost/protocol';
import { api, isApiError } from '../../app/api.js';
import { num } from '../../app/format.js';
import type { GroupListItem } from '../../app/route-types.js';
import { Link, href, quote } from '../../app/router.js';
import { useCan } from '../../app/session.js';
import { useAction } from '../../app/use-async.js';
import { useRoute } from '../../app/use-route.js';
import { Empty, ErrorBox, Loading, PageHeader } from '../../ui/bits.js';
import { ConfirmAction } from '../../ui/confirm-action.js';
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

const membersLink = (g: GroupListItem) => href('/devices', { filter: `group = ${quote(g.path)}` });
const groupLink = (path: string) => `/groups/${encodeURIComponent(path)}`;

interface TreeNode {
  group: GroupListItem;
  depth: number;
  children: TreeNode[];
}

/** Groups nested by path; a group whose parent path is not a group sits at the top. */
function buildTree(groups: GroupListItem[]): TreeNode[] {
  const byPath = new Map<string, TreeNode>();
  const roots: TreeNode[] = [];
  for (const g of [...groups].sort((a, b) => a.path.localeCompare(b.path))) {
    const node: TreeNode = { group: g, depth: 0, children: [] };
    byPath.set(g.path, node);
    const segments = g.path.split('/');
    let parent: TreeNode | undefined;
    for (let i = segments.length - 1; i > 0 && !parent; i--) parent = byPath.get(segments.slice(0, i).join('/'));
    if (parent) {
      node.depth = parent.depth + 1;
      parent.children.push(node);
    } else roots.push(node);
  }
  return roots;
}

function TreeRows({
  nodes,
  open,
  toggle,
  canDelete,
  reload,
}: {
  nodes: TreeNode[];
  open: ReadonlySet<string>;
  toggle(path: string): void;
  canDelete: boolean;
  reload(): void;
}) {
  return (
    <>
      {nodes.map((n) => {
        const g = n.group;
        const expanded = open.has(g.path);
        const parentPath = g.path.split('/').slice(0, -1).join('/');
        const label = n.depth > 0 && g.path.startsWith(`${parentPath}/`) ? g.path.slice(parentPath.length + 1) : g.path;
        return (
          <Fragment key={g.id}>
            <tr
              aria-level={n.depth + 1}
              aria-expanded={n.children.length > 0 ? expanded : undefined}
              data-path={g.path}
              data-testid="group-node"
            >
              <td>
                <span style={{ marginLeft: `${n.depth * 1.25}rem` }} />
                {n.children.length > 0 ? (
                  <button
                    type="button"
                    className="link tree-toggle"
                    aria-label={`${expanded ? 'Collapse' : 'Expand'} ${g.path}`}
                    onClick={() => toggle(g.path)}
                  >
                    {expanded ? '▾' : '▸'}
                  </button>
                ) : (
                  <span className="tree-toggle" aria-hidden="true" />
                )}{' '}
                <Link to={groupLink(g.path)} className="strong" title={g.path}>
                  {label}
                </Link>
              </td>
              <td>
                {g.kind === 'dynamic' ? (
                  <span title={g.filter ?? ''}>
                    dynamic: <code>{g.filter}</code>
                  </span>
                ) : (
                  'static'
                )}
              </td>
              <td className="num" data-testid="group-count">
                <Link to={membersLink(g)} aria-label={`${num(g.deviceCount)} devices in ${g.path}`}>
                  {num(g.deviceCount)}
                </Link>
              </td>
              <td>{g.description || <span className="muted">–</span>}</td>
              <td>
                {canDelete ? (
                  <ConfirmAction
                    label="Delete"
                    aria-label={`Delete group ${g.path}`}
                    data-mutates=""
                    className="danger"
                    spec={{
                      title: 'Delete group',
                      confirmLabel: 'Delete group',
                      body: (
                        <p>
                          Delete <strong>{g.path}</strong>? Its devices stay enrolled; templates, policies and filters
                          that name it stop matching them.
                        </p>
                      ),
                      run: () => api.groups.remove(g.path),
                      onDone: reload,
                    }}
                  />
                ) : null}
              </td>
            </tr>
            {expanded ? (
              <TreeRows nodes={n.children} open={open} toggle={toggle} canDelete={canDelete} reload={reload} />
            ) : null}
          </Fragment>
        );
      })}
    </>
  );
}

/** Every group as a tree of paths, each with the devices at or below it (those the caller sees). */
export function GroupsPage() {
  const can = useCan();
  const groups = useRoute(GROUPS_ROUTES.list);
  const tree = buildTree(groups.data?.items ?? []);
  // Collapsed nodes are remembered; everything starts expanded.
  const [closed, setClosed] = useState<ReadonlySet<string>>(new Set());
  const open = new Set((groups.data?.items ?? []).map((g) => g.path).filter((p) => !closed.has(p)));
  const toggle = (path: string) =>
    setClosed((c) => {
      const next = new Set(c);
      if (next.has(path)) next.delete(path);
      else next.add(path);
      return next;
    });
  const hint = can('operator') ? ' Create one to target templates, policies and commands.' : '';
  return (
    <>
      <PageHeader
        title="Groups"
        subtitle="Static groups hold chosen devices; dynamic groups follow a filter. Counts include subgroups."
        actions={can('operator') ? <NewGroup onCreated={groups.reload} /> : undefined}
      />
      <ErrorBox error={groups.error} />
      {groups.data && tree.length === 0 ? <Empty>{`No groups yet.${hint}`}</Empty> : null}
      {groups.loading && !groups.data ? <Loading /> : null}
      {tree.length > 0 ? (
        <table className="data" role="treegrid" aria-label="Group tree">
          <thead>
            <tr>
              <th>Path</th>
              <th>Kind</th>
              <th className="num">Devices</th>
              <th>Description</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            <TreeRows nodes={tree} open={open} toggle={toggle} canDelete={can('operator')} reload={groups.reload} />
          </tbody>
        </table>
      ) : null}
    </>
  );
}
