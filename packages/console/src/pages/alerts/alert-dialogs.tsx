import { useState } from 'react';
import { ALERTS_ROUTES } from '@outpost/protocol';
import type { Alert } from '../../app/route-types.js';
import { useRoute } from '../../app/use-route.js';
import { api } from '../../app/api.js';
import { Time } from '../../ui/bits.js';
import { AsyncBlock } from '../../ui/async-block.js';
import { Dialog } from '../../ui/dialog.js';
import { FormDialog } from '../../ui/form-dialog.js';
import { SeverityBadge } from './severity.js';

/** Acknowledge or resolve with a note; the note lands in the alert's history and the audit log. */
export function NoteDialog({
  alert,
  kind,
  onClose,
  onDone,
}: {
  alert: Alert;
  kind: 'ack' | 'resolve';
  onClose(): void;
  onDone(): void;
}) {
  const [note, setNote] = useState('');
  const send = () => (kind === 'ack' ? api.alerts.ack : api.alerts.resolve)(alert.id, note.trim() || undefined);
  return (
    <FormDialog
      title={kind === 'ack' ? 'Acknowledge alert' : 'Resolve alert'}
      open
      onClose={onClose}
      onSubmit={send}
      onDone={onDone}
      submitLabel={kind === 'ack' ? 'Acknowledge' : 'Resolve'}
    >
      <p>
        <SeverityBadge severity={alert.severity} /> {alert.ruleName} on <strong>{alert.deviceName}</strong>:{' '}
        {alert.text}
      </p>
      <div className="field">
        <label htmlFor="alert-note">Note</label>
        <textarea
          id="alert-note"
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

export function History({ id, onClose }: { id: string; onClose(): void }) {
  const a = useRoute(ALERTS_ROUTES.get, { params: { id } });
  return (
    <Dialog title="Alert history" open onClose={onClose} wide>
      <AsyncBlock state={a}>
        {(d) => (
          <ol className="history">
            {d.history.map((h, i) => (
              <li key={i}>
                <strong>{h.event}</strong> <Time iso={h.at} /> by {h.actor}
                {h.note ? <div className="muted">“{h.note}”</div> : null}
              </li>
            ))}
          </ol>
        )}
      </AsyncBlock>
    </Dialog>
  );
}
