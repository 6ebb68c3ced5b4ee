import { useState, type FormEvent } from 'react';
import { api } from '../../app/api.js';
import { ErrorBox } from '../../ui/bits.js';

/**
 * The admin's own XYZ tile server. The page's security policy admits images from that one host
 * only after a reload (the hub writes it into the policy it serves with the page).
 */
export function TileSetting({ current }: { current: string | null }) {
  const [draft, setDraft] = useState(current ?? '');
  const [error, setError] = useState<unknown>(null);

  async function save(tileUrl: string | null) {
    setError(null);
    try {
      await api.map.putSettings({ tileUrl });
      window.location.reload();
    } catch (err) {
      setError(err);
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    void save(draft.trim() || null);
  }

  return (
    <details className="map-tiles">
      <summary>Tile server</summary>
      <form onSubmit={submit}>
        <p className="muted">
          Without one the map draws its built-in Natural Earth basemap and loads nothing from other hosts.
        </p>
        <label htmlFor="tile-url">XYZ tile URL</label>
        <input
          id="tile-url"
          className="mono"
          placeholder="https://tiles.example/{z}/{x}/{y}.png"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          spellCheck={false}
          autoComplete="off"
        />
        <button type="submit" className="primary">
          Save
        </button>
        {current ? (
          <button type="button" className="secondary" onClick={() => void save(null)}>
            Use the built-in basemap
          </button>
        ) : null}
        {error ? <ErrorBox error={error} title="Not saved" /> : null}
      </form>
    </details>
  );
}
