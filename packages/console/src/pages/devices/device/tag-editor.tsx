import { useState } from 'react';
import type { Device } from '../../../app/route-types.js';
import { api } from '../../../app/api.js';
import { useAction } from '../../../app/use-async.js';
import { ErrorBox } from '../../../ui/bits.js';
/** The device's tags: add one by key and value, remove one. */
export function TagEditor({ device, onChanged }: { device: Device; onChanged(): void }) {
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const act = useAction();
  async function add() {
    if (!key.trim()) return;
    const r = await act.perform(() => api.devices.tag(device.id, { [key.trim()]: value }));
    if (r) {
      setKey('');
      setValue('');
      onChanged();
    }
  }
  return (
    <div className="tag-editor">
      <ul className="pills">
        {Object.entries(device.tags).map(([k, v]) => (
          <li key={k} className="pill">
            {k}={v}
            <button
              type="button"
              className="pill-x"
              data-mutates=""
              aria-label={`Remove tag ${k}`}
              onClick={() => void act.perform(() => api.devices.tag(device.id, {}, [k])).then((r) => r && onChanged())}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <label className="sr-only" htmlFor="tag-key">
          Tag key
        </label>
        <input
          id="tag-key"
          placeholder="key"
          value={key}
          onChange={(e) => setKey(e.target.value)}
          pattern="[A-Za-z0-9_.:\-]{1,64}"
        />
        <label className="sr-only" htmlFor="tag-value">
          Tag value
        </label>
        <input id="tag-value" placeholder="value" value={value} onChange={(e) => setValue(e.target.value)} />
        <button type="submit" className="secondary" data-mutates="" disabled={act.busy}>
          Add tag
        </button>
      </form>
      <ErrorBox error={act.error} />
    </div>
  );
}

/** Admin: revoke the certificate (device can re-enroll) or decommission (for good). */
