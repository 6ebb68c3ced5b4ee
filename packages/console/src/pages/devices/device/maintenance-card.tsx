import { useState } from 'react';
import { absolute } from '../../../app/format.js';
import { api } from '../../../app/api.js';
import { useAction } from '../../../app/use-async.js';
import { ErrorBox, Field } from '../../../ui/bits.js';

const DEFAULT_MINUTES = 30;

/** Minutes from now until a `datetime-local` value (local time), rounded up; the default window when empty. */
export function minutesUntil(local: string, now = Date.now()): number {
  if (!local) return DEFAULT_MINUTES;
  const end = new Date(local).getTime();
  return Math.ceil((end - now) / 60_000);
}

/** Opens or closes the device's maintenance window: managed settings may be changed locally while it is open. */
export function MaintenanceCard({
  deviceId,
  until,
  canChange,
  onChanged,
}: {
  deviceId: string;
  until: string | null;
  canChange: boolean;
  onChanged(): void;
}) {
  const [reason, setReason] = useState('');
  const [end, setEnd] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const act = useAction();
  const open = until !== null && Date.parse(until) > Date.now();

  async function start() {
    setLocalError(null);
    const minutes = minutesUntil(end);
    if (!(minutes > 0)) return setLocalError('the end time must be in the future');
    const r = await act.perform(() => api.deviceConfig.startMaintenance(deviceId, minutes, reason.trim()));
    if (r) onChanged();
  }

  return (
    <section className="card" aria-labelledby="maintenance-title">
      <h2 id="maintenance-title">Maintenance</h2>
      {open ? (
        <p data-testid="maintenance-state">
          In maintenance until <time dateTime={until}>{absolute(until)}</time>: a technician may change managed settings
          on the device; it is brought back to the desired settings when the window closes.
        </p>
      ) : (
        <p data-testid="maintenance-state">Not in maintenance: settings changed on the device are put back.</p>
      )}
      {canChange && open ? (
        <button
          type="button"
          data-mutates=""
          disabled={act.busy}
          onClick={() =>
            void act.perform(() => api.deviceConfig.endMaintenance(deviceId)).then((r) => r && onChanged())
          }
        >
          End maintenance
        </button>
      ) : null}
      {canChange && !open ? (
        <form
          className="command-form"
          aria-label="Start maintenance"
          onSubmit={(e) => {
            e.preventDefault();
            void start();
          }}
        >
          <Field label="Reason">
            {(id) => (
              <input id={id} value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={512} />
            )}
          </Field>
          <Field
            label="Ends at (optional)"
            hint={`Default: ${DEFAULT_MINUTES} minutes from now; at most 24 hours.`}
            error={localError ?? undefined}
          >
            {(id) => <input id={id} type="datetime-local" value={end} onChange={(e) => setEnd(e.target.value)} />}
          </Field>
          <button type="submit" className="primary" data-mutates="" disabled={act.busy}>
            Start maintenance
          </button>
        </form>
      ) : null}
      <ErrorBox error={act.error} />
    </section>
  );
}
