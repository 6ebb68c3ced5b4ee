import type { ReactNode } from 'react';
import { useAction } from '../app/use-async.js';
import { ErrorBox } from './bits.js';
import { Dialog } from './dialog.js';

export interface FormDialogProps {
  title: string;
  open: boolean;
  onClose(): void;
  /** Sends the form; a thrown error stays in the dialog, `false` keeps it open without one (local checks). */
  onSubmit(): Promise<unknown>;
  /** After a successful submit; the caller closes the dialog or shows what came back. */
  onDone?(): void;
  submitLabel: string;
  /** A problem found before sending (a field that does not parse). */
  error?: unknown;
  danger?: boolean;
  wide?: boolean;
  /** The submit changes something on the hub (default); false for local-only forms. */
  mutates?: boolean;
  children: ReactNode;
}

/** A dialog holding a form: Enter or the submit button sends it, errors show under the fields. */
export function FormDialog(p: FormDialogProps) {
  const act = useAction();
  async function submit() {
    const r = await act.perform(async () => ((await p.onSubmit()) === false ? 'stay' : 'done'));
    if (r === 'done') p.onDone?.();
  }
  function close() {
    act.clearError();
    p.onClose();
  }
  return (
    <Dialog
      title={p.title}
      open={p.open}
      onClose={close}
      onSubmit={() => void submit()}
      submitLabel={p.submitLabel}
      busy={act.busy}
      danger={p.danger}
      wide={p.wide}
      mutates={p.mutates}
    >
      {p.children}
      <ErrorBox error={p.error ?? act.error} />
    </Dialog>
  );
}
