import { useState } from 'react';
import type { Geofence, GeofenceShape } from '@outpost/protocol';
import { api } from '../../app/api.js';
import { useCan } from '../../app/session.js';
import { useAction, useAsync } from '../../app/use-async.js';
import { ErrorBox, PageHeader, Time } from '../../ui/bits.js';
import { DataTable, type Column } from '../../ui/data-table.js';
import { DevicePicker } from '../../ui/device-picker.js';
import { Dialog } from '../../ui/dialog.js';
import { circleFrom, polygonFrom, shapeText } from './geofence-input.js';

function NewGeofence({ onCreated }: { onCreated(): void }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [kind, setKind] = useState<GeofenceShape['kind']>('circle');
  const [lat, setLat] = useState('');
  const [lon, setLon] = useState('');
  const [radius, setRadius] = useState('500');
  const [points, setPoints] = useState('');
  const [target, setTarget] = useState<'group' | 'device'>('group');
  const [group, setGroup] = useState('');
  const [deviceId, setDeviceId] = useState('');
  const [inputError, setInputError] = useState<string | null>(null);
  const groups = useAsync(() => api.groups.list(), []);
  const act = useAction();
  async function create() {
    const shape = kind === 'circle' ? circleFrom(lat, lon, radius) : polygonFrom(points);
    if (typeof shape === 'string') return setInputError(shape);
    setInputError(null);
    const applies = target === 'group' ? { group } : { deviceId: deviceId.trim() };
    const r = await act.perform(() => api.geofences.create({ name: name.trim(), shape, ...applies }));
    if (!r) return;
    setOpen(false);
    setName('');
    onCreated();
  }
  return (
    <>
      <button type="button" className="primary" data-mutates="" onClick={() => setOpen(true)}>
        New geofence…
      </button>
      <Dialog
        title="New geofence"
        open={open}
        onClose={() => setOpen(false)}
        onSubmit={() => void create()}
        submitLabel="Create geofence"
        busy={act.busy}
        wide
      >
        <div className="form-grid">
          <div className="field span-2">
            <label htmlFor="gf-name">Name</label>
            <input
              id="gf-name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              required
              maxLength={64}
              placeholder="north depot"
              autoFocus
            />
          </div>
          <div className="field">
            <label htmlFor="gf-kind">Shape</label>
            <select id="gf-kind" value={kind} onChange={(e) => setKind(e.target.value as GeofenceShape['kind'])}>
              <option value="circle">circle</option>
              <option value="polygon">polygon</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="gf-target">Applies to</label>
            <select id="gf-target" value={target} onChange={(e) => setTarget(e.target.value as 'group' | 'device')}>
              <option value="group">a group (and the groups below it)</option>
              <option value="device">one device</option>
            </select>
          </div>
          {kind === 'circle' ? (
            <>
              <div className="field">
                <label htmlFor="gf-lat">Centre latitude</label>
                <input id="gf-lat" value={lat} onChange={(e) => setLat(e.target.value)} placeholder="52.52" />
              </div>
              <div className="field">
                <label htmlFor="gf-lon">Centre longitude</label>
                <input id="gf-lon" value={lon} onChange={(e) => setLon(e.target.value)} placeholder="13.40" />
              </div>
              <div className="field">
                <label htmlFor="gf-radius">Radius (m)</label>
                <input id="gf-radius" value={radius} onChange={(e) => setRadius(e.target.value)} />
              </div>
            </>
          ) : (
            <div className="field span-2">
              <label htmlFor="gf-points">Vertices: “lat lon” pairs separated by commas (at most 500)</label>
              <textarea
                id="gf-points"
                rows={4}
                value={points}
                onChange={(e) => setPoints(e.target.value)}
                placeholder="52.51 13.39, 52.51 13.41, 52.52 13.41, 52.52 13.39"
              />
            </div>
          )}
          {target === 'group' ? (
            <div className="field">
              <label htmlFor="gf-group">Group</label>
              <select id="gf-group" value={group} onChange={(e) => setGroup(e.target.value)} required>
                <option value="">choose a group</option>
                {(groups.data?.items ?? []).map((g) => (
                  <option key={g.id} value={g.path}>
                    {g.path}
                  </option>
                ))}
              </select>
            </div>
          ) : (
            <div className="field">
              <label htmlFor="gf-device">Device</label>
              <DevicePicker id="gf-device" value={deviceId} onChange={setDeviceId} />
            </div>
          )}
          {inputError ? (
            <div className="notice notice-error span-2" role="alert">
              {inputError}
            </div>
          ) : null}
          <div className="span-2">
            <ErrorBox error={act.error} />
          </div>
        </div>
      </Dialog>
    </>
  );
}

const COLUMNS: Column<Geofence>[] = [
  { key: 'name', header: 'Name', className: 'strong', cell: (f) => f.name },
  { key: 'applies', header: 'Applies to', cell: (f) => (f.group ? `group ${f.group}` : `device ${f.deviceId}`) },
  { key: 'shape', header: 'Shape', cell: (f) => shapeText(f.shape) },
  { key: 'updated', header: 'Changed', cell: (f) => <Time iso={f.updatedAt} /> },
  { key: 'by', header: 'By', cell: (f) => f.createdBy },
];

/** Geofences inside the caller's scope: list, create by coordinates, delete (operators). */
export function GeofencesPage() {
  const can = useCan();
  const fences = useAsync(() => api.geofences.list(), []);
  const act = useAction();
  const remove = (f: Geofence) =>
    void act.perform(async () => (await api.geofences.delete(f.id), true)).then((ok) => ok && fences.reload());
  return (
    <>
      <PageHeader
        title="Geofences"
        subtitle="Entering or leaving one is a device event (geofence.enter, geofence.leave); the geofence alert rule turns crossings into alerts."
        actions={can('operator') ? <NewGeofence onCreated={fences.reload} /> : undefined}
      />
      <DataTable
        columns={COLUMNS}
        rows={fences.data?.items}
        rowKey={(f) => f.id}
        actions={[
          { label: 'Delete', name: (f) => `Delete geofence ${f.name}`, danger: true, min: 'operator', onClick: remove },
        ]}
        loading={fences.loading}
        error={fences.error ?? act.error}
        empty="No geofences. An operator creates one on a group or a device."
      />
    </>
  );
}
