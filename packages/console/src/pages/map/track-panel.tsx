import { useState, type FormEvent } from 'react';
import { MAP_ROUTES } from '@outpost/protocol';
import type { DeviceLocations } from '../../app/route-types.js';
import { loadRoute } from '../../app/use-route.js';
import { DevicePicker } from '../../ui/device-picker.js';
import { ErrorBox } from '../../ui/bits.js';

const HOUR = 3_600_000;

/** A `datetime-local` value (local time, minutes) for a moment. */
function localInput(t: number): string {
  const d = new Date(t - new Date(t).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

/** Picks a device and a time range and loads the device's track. */
export function TrackPanel({ onTrack }: { onTrack(t: { deviceId: string; locations: DeviceLocations } | null): void }) {
  const [deviceId, setDeviceId] = useState('');
  const [from, setFrom] = useState(() => localInput(Date.now() - 24 * HOUR));
  const [to, setTo] = useState(() => localInput(Date.now()));
  const [error, setError] = useState<unknown>(null);
  const [shown, setShown] = useState<{ count: number; truncated: boolean } | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const locations = await loadRoute(MAP_ROUTES.deviceLocations, {
        params: { id: deviceId.trim() },
        query: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
      });
      setShown({ count: locations.points.length, truncated: locations.truncated });
      onTrack({ deviceId: deviceId.trim(), locations });
    } catch (err) {
      setError(err);
      setShown(null);
      onTrack(null);
    }
  }

  return (
    <form className="map-track" onSubmit={submit} aria-label="Device track">
      <label htmlFor="track-device">Track of device</label>
      <DevicePicker id="track-device" value={deviceId} onChange={setDeviceId} />
      <label htmlFor="track-from">From</label>
      <input id="track-from" type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} required />
      <label htmlFor="track-to">To</label>
      <input id="track-to" type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} required />
      <button type="submit" className="secondary">
        Show track
      </button>
      {shown ? (
        <button
          type="button"
          className="secondary"
          onClick={() => {
            setShown(null);
            onTrack(null);
          }}
        >
          Hide track
        </button>
      ) : null}
      {shown ? (
        <span className="muted" role="status">
          {shown.count === 0
            ? 'No positions in that range.'
            : `${shown.count} position${shown.count === 1 ? '' : 's'}${shown.truncated ? ' (the first 10,000)' : ''}`}
        </span>
      ) : null}
      {error ? <ErrorBox error={error} title="No track" /> : null}
    </form>
  );
}
