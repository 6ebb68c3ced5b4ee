import { useState } from 'react';
import { Dialog } from '../../ui/dialog.js';
import { COLUMNS } from './columns.js';
import { api } from '../../app/api.js';
import { useSession } from '../../app/session.js';
import { useAction, useAsync } from '../../app/use-async.js';
import { ErrorBox } from '../../ui/bits.js';
import { loadViews, saveView, type SavedView, type ViewShape } from './views.js';

/** Column choice: a disclosure with one checkbox per column (at least one stays on). */
export function ColumnsMenu({ columns, onChange }: { columns: string[]; onChange(cols: string[]): void }) {
  return (
    <details className="menu">
      <summary>Columns</summary>
      <div className="popover" role="group" aria-label="Columns to show">
        {COLUMNS.map((c) => (
          <label key={c.id} className="check">
            <input
              type="checkbox"
              checked={columns.includes(c.id)}
              disabled={columns.length === 1 && columns.includes(c.id)}
              onChange={(e) =>
                onChange(
                  e.target.checked
                    ? COLUMNS.map((x) => x.id).filter((id) => id === c.id || columns.includes(id))
                    : columns.filter((id) => id !== c.id),
                )
              }
            />
            {c.label}
          </label>
        ))}
      </div>
    </details>
  );
}

/**
 * Saved views (filter, sort, columns), kept on the hub for whoever saved them; a shared one shows
 * for everyone. Saving a view is open to every role: it changes what this user sees, not the fleet.
 */
export function ViewsMenu({ current, onOpen }: { current: ViewShape; onOpen(v: SavedView): void }) {
  const views = useAsync(loadViews, []);
  const act = useAction();
  const { user } = useSession();
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  const all = views.data ?? [];
  const mine = all.filter((v) => v.mine);
  const others = all.filter((v) => !v.mine);
  const replacing = mine.find((v) => v.name === name.trim());
  const label = (v: SavedView) => (v.mine ? v.name : `${v.name} (${v.owner})`);
  return (
    <div className="views">
      <label htmlFor="saved-views" className="sr-only">
        Saved views
      </label>
      <select
        id="saved-views"
        value=""
        onChange={(e) => {
          const v = all.find((x) => x.id === e.target.value);
          if (v) onOpen(v);
        }}
      >
        <option value="">
          {views.loading && !views.data ? 'Loading views…' : all.length ? 'Open a saved view…' : 'No saved views'}
        </option>
        {mine.length ? (
          <optgroup label="Your views">
            {mine.map((v) => (
              <option key={v.id} value={v.id}>
                {v.name}
                {v.shared ? ' (shared)' : ''}
              </option>
            ))}
          </optgroup>
        ) : null}
        {others.length ? (
          <optgroup label="Shared with everyone">
            {others.map((v) => (
              <option key={v.id} value={v.id}>
                {label(v)}
              </option>
            ))}
          </optgroup>
        ) : null}
      </select>
      <button type="button" className="secondary" onClick={() => setNaming(true)}>
        Save view
      </button>
      <details className="menu">
        <summary aria-label="Manage saved views">⋯</summary>
        <div className="popover" role="group" aria-label="Manage saved views">
          {all.length === 0 ? <p className="muted">Nothing saved yet.</p> : null}
          <ErrorBox error={views.error ?? act.error} />
          {all
            .filter((v) => v.mine || user.role === 'admin')
            .map((v) => (
              <div key={v.id} className="view-row">
                <span>{label(v)}</span>
                <button
                  type="button"
                  className="link"
                  disabled={act.busy}
                  // Forgetting someone else's shared view is an admin's act on the hub.
                  data-mutates={v.mine ? undefined : ''}
                  onClick={() => void act.perform(() => api.views.remove(v.id)).then(() => views.reload())}
                  aria-label={`Forget view ${label(v)}`}
                >
                  Forget
                </button>
              </div>
            ))}
        </div>
      </details>
      <Dialog
        title="Save this view"
        open={naming}
        onClose={() => {
          setNaming(false);
          act.clearError();
        }}
        submitLabel={replacing ? 'Replace view' : 'Save view'}
        busy={act.busy}
        mutates={false}
        onSubmit={() => {
          const n = name.trim();
          if (!n) return;
          void act
            .perform(() => saveView(all, n, current, shared))
            .then((saved) => {
              if (!saved) return;
              views.reload();
              setNaming(false);
              setName('');
              setShared(false);
            });
        }}
      >
        <p className="muted">
          The filter, sort and columns are kept on the hub under your name, so the view is there wherever you sign in.
        </p>
        <div className="field">
          <label htmlFor="view-name">Name</label>
          <input
            id="view-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            autoFocus
            maxLength={64}
          />
        </div>
        {replacing ? (
          <p className="muted">You already have a view named “{replacing.name}”; saving replaces it.</p>
        ) : null}
        <label className="check">
          <input type="checkbox" checked={shared} onChange={(e) => setShared(e.target.checked)} />
          Share with everyone (others can open it; only you can change it)
        </label>
        <ErrorBox error={act.error} />
      </Dialog>
    </div>
  );
}
