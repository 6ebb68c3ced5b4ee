import { useState } from 'react';
import { GUARD_TABLES, type GuardTable } from '@outpost/protocol';
import { api } from '../../app/api.js';
import { useAction } from '../../app/use-async.js';
import { ErrorBox } from '../../ui/bits.js';
import { DevicePicker } from '../../ui/device-picker.js';
import { Dialog } from '../../ui/dialog.js';
import { TABLE_LABEL } from './range-rows.js';

// The hub signs grants of 1 minute to 8 hours.
const DURATIONS: Array<[number, string]> = [
  [15 * 60, '15 minutes'],
  [30 * 60, '30 minutes'],
  [3600, '1 hour'],
  [2 * 3600, '2 hours'],
  [4 * 3600, '4 hours'],
  [8 * 3600, '8 hours'],
];

const word = (v: string) => (/^\d{1,5}$/.test(v.trim()) && Number(v) <= 0xffff ? Number(v) : null);

/**
 * A time-limited, signed permission to write one address range of one unit on one device,
 * under a read-only guard policy. The hub may first ask for a fresh second factor.
 */
export function GrantDialog({ onClose, onGranted }: { onClose(): void; onGranted(): void }) {
  const [deviceId, setDeviceId] = useState('');
  const [unit, setUnit] = useState('1');
  const [table, setTable] = useState<GuardTable>('holding');
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [durationS, setDurationS] = useState(3600);
  const [reason, setReason] = useState('');
  const [inputError, setInputError] = useState<string | null>(null);
  const act = useAction();

  async function grant() {
    const [u, s, e] = [unit, start, end].map(word);
    if (u === null) return setInputError('The unit id is a whole number from 0 to 65535.');
    if (s === null || e === null) return setInputError('First and last address are whole numbers from 0 to 65535.');
    if (s > e) return setInputError('The first address must not be above the last.');
    if (!reason.trim()) return setInputError('Say why the write is needed; it is signed into the grant and audited.');
    setInputError(null);
    const r = await act.perform(() =>
      api.guard.grant(deviceId.trim(), { unit: u, table, start: s, end: e, durationS, reason: reason.trim() }),
    );
    if (r) onGranted();
  }

  return (
    <Dialog
      title="Grant writes"
      open
      onClose={onClose}
      onSubmit={() => void grant()}
      submitLabel="Grant writes"
      busy={act.busy}
    >
      <div className="form-grid">
        <div className="field span-2">
          <label htmlFor="grant-device">Device</label>
          <DevicePicker id="grant-device" value={deviceId} onChange={setDeviceId} autoFocus />
        </div>
        <div className="field">
          <label htmlFor="grant-unit">Unit id</label>
          <input id="grant-unit" inputMode="numeric" value={unit} onChange={(e) => setUnit(e.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor="grant-table">Table</label>
          <select id="grant-table" value={table} onChange={(e) => setTable(e.target.value as GuardTable)}>
            {GUARD_TABLES.map((t) => (
              <option key={t} value={t}>
                {TABLE_LABEL[t]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="grant-start">First address</label>
          <input
            id="grant-start"
            inputMode="numeric"
            value={start}
            onChange={(e) => setStart(e.target.value)}
            required
          />
        </div>
        <div className="field">
          <label htmlFor="grant-end">Last address</label>
          <input id="grant-end" inputMode="numeric" value={end} onChange={(e) => setEnd(e.target.value)} required />
        </div>
        <div className="field span-2">
          <label htmlFor="grant-duration">For</label>
          <select id="grant-duration" value={durationS} onChange={(e) => setDurationS(Number(e.target.value))}>
            {DURATIONS.map(([s, label]) => (
              <option key={s} value={s}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="field span-2">
          <label htmlFor="grant-reason">Reason</label>
          <textarea
            id="grant-reason"
            rows={2}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            maxLength={512}
            required
            placeholder="Work order, what is being changed"
          />
        </div>
      </div>
      <p className="hint">
        Writes to this range of this unit pass a read-only policy until the grant expires or is revoked; it lifts no
        other rule.
      </p>
      {inputError ? (
        <div className="notice notice-error" role="alert">
          {inputError}
        </div>
      ) : null}
      <ErrorBox error={act.error} />
    </Dialog>
  );
}
