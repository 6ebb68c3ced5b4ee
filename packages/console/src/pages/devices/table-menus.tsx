import { useState } from 'react';
import { Dialog } from '../../ui/dialog.js';
import { COLUMNS } from './columns.js';
import { deleteView, loadViews, saveView, type SavedView } from './views.js';

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
              onChange={(e) => onChange(e.target.checked ? COLUMNS.map((x) => x.id).filter((id) => id === c.id || columns.includes(id)) : columns.filter((id) => id !== c.id))}
            />
            {c.label}
          </label>
        ))}
      </div>
    </details>
  );
}

/** Saved views (filter, sort, columns) kept in this browser. */
export function ViewsMenu({ current, onOpen }: { current: Omit<SavedView, 'name'>; onOpen(v: SavedView): void }) {
  const [views, setViews] = useState(loadViews);
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  return (
    <div className="views">
      <label htmlFor="saved-views" className="sr-only">
        Saved views
      </label>
      <select
        id="saved-views"
        value=""
        onChange={(e) => {
          const v = views.find((x) => x.name === e.target.value);
          if (v) onOpen(v);
        }}
      >
        <option value="">{views.length ? 'Open a saved view…' : 'No saved views'}</option>
        {views.map((v) => (
          <option key={v.name} value={v.name}>
            {v.name}
          </option>
        ))}
      </select>
      <button type="button" className="secondary" onClick={() => setNaming(true)}>
        Save view
      </button>
      <details className="menu">
        <summary aria-label="Manage saved views">⋯</summary>
        <div className="popover">
          {views.length === 0 ? <p className="muted">Nothing saved yet.</p> : null}
          {views.map((v) => (
            <div key={v.name} className="view-row">
              <span>{v.name}</span>
              <button type="button" className="link" onClick={() => setViews(deleteView(v.name))} aria-label={`Forget view ${v.name}`}>
                Forget
              </button>
            </div>
          ))}
        </div>
      </details>
      <Dialog
        title="Save this view"
        open={naming}
        onClose={() => setNaming(false)}
        submitLabel="Save view"
        mutates={false}
        onSubmit={() => {
          if (!name.trim()) return;
          setViews(saveView({ ...current, name: name.trim() }));
          setNaming(false);
          setName('');
        }}
      >
        <p className="muted">The filter, sort and columns are kept in this browser.</p>
        <div className="field">
          <label htmlFor="view-name">Name</label>
          <input id="view-name" value={name} onChange={(e) => setName(e.target.value)} required autoFocus maxLength={64} />
        </div>
      </Dialog>
    </div>
  );
}
