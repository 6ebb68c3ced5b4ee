import { useId, useState } from 'react';
import { api } from '../../app/api.js';
import type { Automation, AutomationRun } from '../../app/route-types.js';
import { num } from '../../app/format.js';
import { navigate } from '../../app/router.js';
import { useAction } from '../../app/use-async.js';
import { ErrorBox } from '../../ui/bits.js';
import { Dialog } from '../../ui/dialog.js';
import { DevicePicker } from '../../ui/device-picker.js';
import { runPath } from './use-polling.js';

const SHOWN = 200;

/**
 * Run now, in two steps: a dry run first (the hub lists the devices it would touch and those its
 * guards hold back, and nothing is sent), then the run itself, which may wait for an approval.
 */
export function RunDialog({ automation: a, onClose }: { automation: Automation; onClose(): void }) {
  const [deviceId, setDeviceId] = useState('');
  const [dry, setDry] = useState<AutomationRun | null>(null);
  const act = useAction();
  const deviceField = useId();
  const needsDevice = a.target.kind === 'trigger_device';
  const body = needsDevice ? { deviceId: deviceId.trim() } : {};

  async function check() {
    const r = await act.perform(() => api.automations.run(a.name, { ...body, dryRun: true }));
    if (r) setDry(r);
  }
  async function run() {
    const r = await act.perform(() => api.automations.run(a.name, body));
    if (r) navigate(runPath(r));
  }

  if (!dry)
    return (
      <Dialog
        title={`Run ${a.name}`}
        open
        onClose={onClose}
        onSubmit={() => void check()}
        submitLabel="Dry run"
        mutates={false}
        busy={act.busy}
      >
        <p>A dry run lists the devices this run would touch; nothing is sent.</p>
        {needsDevice ? (
          <div className="field">
            <label htmlFor={deviceField}>Device</label>
            <DevicePicker id={deviceField} value={deviceId} onChange={setDeviceId} autoFocus />
          </div>
        ) : null}
        <ErrorBox error={act.error} />
      </Dialog>
    );

  const devices = dry.devices ?? [];
  const skipped = dry.skipped ?? [];
  const approval = a.guards.approvalAbove !== undefined && devices.length > a.guards.approvalAbove;
  return (
    <Dialog
      title={`Run ${a.name} v${a.version}?`}
      open
      onClose={() => setDry(null)}
      onSubmit={() => void run()}
      submitLabel={`Run on ${num(devices.length)} device${devices.length === 1 ? '' : 's'}`}
      busy={act.busy}
      wide
    >
      <p data-testid="dry-run-count">
        <strong>{num(devices.length)}</strong> device{devices.length === 1 ? '' : 's'} would run the steps
        {skipped.length ? `; ${num(skipped.length)} held back by the guards` : ''}.
      </p>
      {devices.length ? (
        <ul className="device-chips" data-testid="dry-run-devices" aria-label="Devices the run would touch">
          {devices.slice(0, SHOWN).map((d) => (
            <li key={d}>
              <code>{d}</code>
            </li>
          ))}
          {devices.length > SHOWN ? <li className="muted">and {num(devices.length - SHOWN)} more</li> : null}
        </ul>
      ) : null}
      {skipped.length ? (
        <ul className="small" aria-label="Devices held back">
          {skipped.slice(0, SHOWN).map((s) => (
            <li key={s.deviceId}>
              <code>{s.deviceId}</code>: {s.reason}
            </li>
          ))}
        </ul>
      ) : null}
      {approval ? (
        <p className="notice notice-warn" data-testid="needs-approval">
          More than {num(a.guards.approvalAbove!)} devices: the run waits for an operator&rsquo;s approval before it
          starts.
        </p>
      ) : null}
      <p className="muted">Cancel goes back to the first step.</p>
      <ErrorBox error={act.error} />
    </Dialog>
  );
}
