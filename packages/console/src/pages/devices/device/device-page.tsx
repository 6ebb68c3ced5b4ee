import { useState } from 'react';
import { DEVICES_ROUTES } from '@outpost/protocol';
import { api, isApiError } from '../../../app/api.js';
import { useRoute } from '../../../app/use-route.js';
import { useLiveEvent } from '../../../app/live.js';
import { Link } from '../../../app/router.js';
import { useCan } from '../../../app/session.js';
import { useAction } from '../../../app/use-async.js';
import { ErrorBox, Loading, PageHeader, PresenceBadge, TabPanel, Tabs, Time } from '../../../ui/bits.js';
import { Dialog } from '../../../ui/dialog.js';
import { OverviewPanel } from './overview-panel.js';
import { HealthCharts } from './health-charts.js';
import { TrafficPanel } from './traffic-panel.js';
import { CellularPanel } from './cellular-panel.js';
import { EventsPanel } from './events-panel.js';
import { CommandsPanel } from './commands-panel.js';
import { ConfigPanel } from './config-panel.js';
import { FieldDevicesPanel } from './field-devices-panel.js';
import { AlertList } from '../../alerts/alert-list.js';
import { AccessPanel } from '../../access/access-panel.js';
import { FilesPanel } from './files-panel.js';
import { DeviceDiagnosticsPanel } from '../../diagnostics/device-diagnostics-panel.js';
import { DataPanel } from '../../data/data-panel.js';
import { GuardPanel } from './guard-panel.js';
import { RebootButton } from './reboot-button.js';

const TABS = [
  { id: 'overview', label: 'Overview' },
  { id: 'health', label: 'Health' },
  { id: 'traffic', label: 'Traffic' },
  { id: 'cellular', label: 'Cellular' },
  { id: 'events', label: 'Events' },
  { id: 'commands', label: 'Commands' },
  { id: 'diagnostics', label: 'Diagnostics' },
  { id: 'data', label: 'Data' },
  { id: 'field-devices', label: 'Field devices' },
  { id: 'guard', label: 'Guard' },
  { id: 'alerts', label: 'Alerts' },
  { id: 'access', label: 'Remote access' },
  { id: 'config', label: 'Settings' },
  { id: 'files', label: 'Files' },
];

function EditDialog({
  open,
  name,
  location,
  onClose,
  onSave,
  busy,
  error,
}: {
  open: boolean;
  name: string;
  location: string | null;
  onClose(): void;
  onSave(n: string, l: string | null): void;
  busy: boolean;
  error: unknown;
}) {
  const [n, setN] = useState(name);
  const [l, setL] = useState(location ?? '');
  return (
    <Dialog
      title="Edit device"
      open={open}
      onClose={onClose}
      onSubmit={() => onSave(n.trim(), l.trim() || null)}
      submitLabel="Save"
      busy={busy}
    >
      <div className="field">
        <label htmlFor="edit-name">Name</label>
        <input id="edit-name" value={n} onChange={(e) => setN(e.target.value)} required maxLength={128} />
      </div>
      <div className="field">
        <label htmlFor="edit-location">Location</label>
        <input id="edit-location" value={l} onChange={(e) => setL(e.target.value)} maxLength={256} />
      </div>
      <ErrorBox error={error} />
    </Dialog>
  );
}

/** One device: who it is, whether it is there, how it is doing, what it said and what it was told. */
export function DevicePage({ id }: { id: string }) {
  const can = useCan();
  const [tab, setTab] = useState('overview');
  const [version, setVersion] = useState(0);
  const [editing, setEditing] = useState(false);
  const device = useRoute(DEVICES_ROUTES.get, { params: { id } }, [version]);
  const edit = useAction();
  useLiveEvent('presence', (m) => {
    const hit = m.changed.find(([d]) => d === id);
    if (hit) device.setData((d) => d && { ...d, presence: hit[1] });
    if (hit) setVersion((v) => v + 1);
  });

  if (device.loading && !device.data) return <Loading />;
  if (isApiError(device.error, 'not_found')) {
    return (
      <PageHeader
        title="Device not found"
        subtitle={
          <>
            No device has the id “{id}”. <Link to="/devices">Back to devices</Link>
          </>
        }
      />
    );
  }
  const d = device.data;
  if (!d) return <ErrorBox error={device.error} />;

  return (
    <>
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to="/devices">Devices</Link> <span aria-hidden="true">/</span> <span>{d.name}</span>
      </nav>
      <PageHeader
        title={
          <>
            {d.name} <PresenceBadge presence={d.presence} />
          </>
        }
        subtitle={
          <>
            {d.model ?? 'unknown model'} · firmware {d.firmware ?? 'not reported'} · last seen{' '}
            <Time iso={d.lastSeenAt} />
          </>
        }
        actions={
          can('operator') ? (
            <>
              <button type="button" className="secondary" data-mutates="" onClick={() => setEditing(true)}>
                Edit
              </button>
              <RebootButton device={d} onSent={() => setVersion((v) => v + 1)} />
            </>
          ) : undefined
        }
      />
      <Tabs tabs={TABS} current={tab} onChange={setTab} label="Device sections" />
      <TabPanel id={tab}>
        {tab === 'overview' ? (
          <OverviewPanel device={d} version={version} onChanged={() => setVersion((v) => v + 1)} />
        ) : null}
        {tab === 'health' ? <HealthCharts deviceId={d.id} model={d.model} /> : null}
        {tab === 'traffic' ? <TrafficPanel deviceId={d.id} /> : null}
        {tab === 'cellular' ? <CellularPanel deviceId={d.id} /> : null}
        {tab === 'events' ? <EventsPanel deviceId={d.id} version={version} /> : null}
        {tab === 'commands' ? (
          <CommandsPanel deviceId={d.id} online={d.presence === 'online'} version={version} />
        ) : null}
        {tab === 'diagnostics' ? <DeviceDiagnosticsPanel deviceId={d.id} /> : null}
        {tab === 'data' ? <DataPanel deviceId={d.id} /> : null}
        {tab === 'field-devices' ? <FieldDevicesPanel deviceId={d.id} /> : null}
        {tab === 'alerts' ? <AlertList deviceId={d.id} /> : null}
        {tab === 'config' ? <ConfigPanel deviceId={d.id} model={d.model} /> : null}
        {tab === 'guard' ? <GuardPanel deviceId={d.id} groups={d.groups} /> : null}
        {tab === 'access' ? <AccessPanel deviceId={d.id} /> : null}
        {tab === 'files' ? <FilesPanel deviceId={d.id} online={d.presence === 'online'} /> : null}
      </TabPanel>
      {editing ? (
        <EditDialog
          open
          name={d.name}
          location={d.location}
          busy={edit.busy}
          error={edit.error}
          onClose={() => setEditing(false)}
          onSave={(n, l) =>
            void edit
              .perform(() => api.devices.update(d.id, { name: n, location: l }))
              .then((r) => {
                if (!r) return;
                setEditing(false);
                setVersion((v) => v + 1);
              })
          }
        />
      ) : null}
    </>
  );
}
