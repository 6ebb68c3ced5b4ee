import { useState } from 'react';
import { GEOFENCES_ROUTES, type GeofenceShape } from '@outpost/protocol';
import { api } from '../../app/api.js';
import { useCan } from '../../app/session.js';
import { useAction } from '../../app/use-async.js';
import type { Geofence } from '../../app/route-types.js';
import { useRoute } from '../../app/use-route.js';
import { PageHeader, Time } from '../../ui/bits.js';
import { DataTable, type Column } from '../../ui/data-table.js';
import { DevicePicker } from '../../ui/device-picker.js';
import { Dialog } from '../../ui/dialog.js';
import { FormProblems, FormRow, GroupSelect } from '../../ui/form-row.js';
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
          <FormRow id="gf-name" label="Name" wide>
            <input
              id="gf-name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              required
              maxLength={64}
              placeholder="north depot"
              autoFocus
            />
          </FormRow>
          <FormRow id="gf-kind" label="Shape">
            <select id="gf-kind" value={kind} onChange={(e) => setKind(e.target.value as GeofenceShape['kind'])}>
              <option value="circle">circle</option>
              <option value="polygon">polygon</option>
            </select>
          </FormRow>
          <FormRow id="gf-target" label="Applies to">
            <select id="gf-target" value={target} onChange={(e) => setTarget(e.target.value as 'group' | 'device')}>
              <option value="group">a group (and the groups below it)</option>
              <option value="device">one device</option>
            </select>
          </FormRow>
          {kind === 'circle' ? (
            <>
              <FormRow id="gf-lat" label="Centre latitude">
                <input id="gf-lat" value={lat} onChange={(e) => setLat(e.target.value)} placeholder="52.52" />
              </FormRow>
              <FormRow id="gf-lon" label="Centre longitude">
                <input id="gf-lon" value={lon} onChange={(e) => setLon(e.target.value)} placeholder="13.40" />
              </FormRow>
              <FormRow id="gf-radius" label="Radius (m)">
                <input id="gf-radius" value={radius} onChange={(e) => setRadius(e.target.value)} />
              </FormRow>
            </>
          ) : (
            <FormRow id="gf-points" label="Vertices: “lat lon” pairs separated by commas (at most 500)" wide>
              <textarea
                id="gf-points"
                rows={4}
                value={points}
                onChange={(e) => setPoints(e.target.value)}
                placeholder="52.51 13.39, 52.51 13.41, 52.52 13.41, 52.52 13.39"
              />
            </FormRow>
          )}
          {target === 'group' ? (
            <FormRow id="gf-group" label="Group">
              <GroupSelect id="gf-group" value={group} onChange={setGroup} emptyLabel="choose a group" required />
            </FormRow>
          ) : (
            <FormRow id="gf-device" label="Device">
              <DevicePicker id="gf-device" value={deviceId} onChange={setDeviceId} />
            </FormRow>
          )}
          <FormProblems inputError={inputError} error={act.error} />
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
  const fences = useRoute(GEOFENCES_ROUTES.list);
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
