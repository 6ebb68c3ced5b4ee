import { useRef, useState } from 'react';
import type { AlertBulkResult } from '@outpost/protocol';
import { api } from '../../app/api.js';
import { num } from '../../app/format.js';
import { FormDialog } from '../../ui/form-dialog.js';

export type BulkKind = 'ack' | 'resolve';

/** Acknowledge or resolve the selected alerts with one note; the hub reports any it could not change. */
export function BulkOutcome({ result, onDismiss }: { result: AlertBulkResult | null; onDismiss(): void }) {
  if (!result) return null;
  const ok = result.refused.length === 0;
  return (
    <div className={`notice ${ok ? 'notice-ok' : 'notice-error'}`} role="status" data-testid="bulk-outcome">
      {num(result.changed.length)} alert{result.changed.length === 1 ? '' : 's'} changed
      {ok ? '.' : `; ${num(result.refused.length)} not:`}{' '}
      <button type="button" className="link" onClick={onDismiss}>
        Dismiss
      </button>
      {ok ? null : (
        <ul>
          {result.refused.slice(0, 10).map((r) => (
            <li key={r.id}>{r.message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function BulkNoteDialog({
  kind,
  ids,
  onClose,
  onDone,
}: {
  kind: BulkKind;
  ids: string[];
  onClose(): void;
  onDone(r: AlertBulkResult): void;
}) {
  const [note, setNote] = useState('');
  const result = useRef<AlertBulkResult | null>(null);
  const verb = kind === 'ack' ? 'Acknowledge' : 'Resolve';
  async function send() {
    const n = note.trim() || undefined;
    result.current = await (kind === 'ack' ? api.alerts.ackMany(ids, n) : api.alerts.resolveMany(ids, n));
  }
  return (
    <FormDialog
      title={`${verb} ${num(ids.length)} alert${ids.length === 1 ? '' : 's'}`}
      open
      onClose={onClose}
      onSubmit={send}
      onDone={() => result.current && onDone(result.current)}
      submitLabel={verb}
    >
      <div className="field">
        <label htmlFor="bulk-alert-note">Note</label>
        <textarea
          id="bulk-alert-note"
          rows={3}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          maxLength={1024}
          placeholder={kind === 'ack' ? 'Who is on it, what is being done' : 'What fixed it'}
          autoFocus
        />
      </div>
    </FormDialog>
  );
}
