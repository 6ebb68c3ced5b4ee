import { useState } from 'react';
import { STREAMS_ROUTES } from '@outpost/protocol';
import { loadRoute } from '../../app/use-route.js';
import { useAsync } from '../../app/use-async.js';
import { DevicePicker } from '../../ui/device-picker.js';
import { isPlottable } from './data-format.js';
import type { SeriesRef } from './trend-state.js';

/** A device, then one of its numeric points: a series to add to the trend. */
export function SeriesPicker({ onAdd, disabled }: { onAdd(s: SeriesRef): void; disabled: boolean }) {
  const [deviceId, setDeviceId] = useState('');
  const [point, setPoint] = useState('');
  const points = useAsync(() => (deviceId ? loadRoute(STREAMS_ROUTES.points, { params: { id: deviceId } }) : Promise.resolve({ items: [] })), [deviceId]);
  const options = (points.data?.items ?? []).filter(isPlottable);
  return (
    <form
      className="inline-form"
      aria-label="Add a series"
      onSubmit={(e) => {
        e.preventDefault();
        if (deviceId && point) onAdd({ deviceId, point });
        setPoint('');
      }}
    >
      <div className="field">
        <label htmlFor="trend-device">Device</label>
        <DevicePicker id="trend-device" value={deviceId} onChange={setDeviceId} />
      </div>
      <div className="field">
        <label htmlFor="trend-point">Point</label>
        <select id="trend-point" value={point} onChange={(e) => setPoint(e.target.value)} required>
          <option value="">{deviceId ? (points.loading ? 'Loading…' : 'Choose…') : 'Choose a device first'}</option>
          {options.map((p) => (
            <option key={p.point} value={p.point}>
              {p.point}
              {p.unit ? ` (${p.unit})` : ''}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" disabled={disabled || !point}>
        Add series
      </button>
    </form>
  );
}
