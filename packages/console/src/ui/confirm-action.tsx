import { useState, type ReactNode } from 'react';
import { num } from '../app/format.js';
import { useAction } from '../app/use-async.js';
import { ErrorBox } from './bits.js';
import { Dialog } from './dialog.js';

/** What a destructive action asks before it runs, and what it runs. */
export interface ConfirmSpec {
  title: string;
  /** The question, naming what is changed. */
  body: ReactNode;
  confirmLabel: string;
  /** How many records the action touches, out of `total` when given: "3 of 8 devices are changed." */
  count?: number;
  total?: number;
  /** The rest of that sentence, singular and plural: ['device is changed', 'devices are changed']. */
  noun?: [string, string];
  run(): Promise<unknown>;
  /** After the action succeeded (reload the list). */
  onDone?(): void;
}

export interface ConfirmActionProps {
  label: ReactNode;
  spec: ConfirmSpec | (() => ConfirmSpec);
  className?: string;
  disabled?: boolean;
  'aria-label'?: string;
  'data-mutates'?: string;
}

/** A button that opens a confirmation dialog; the action runs only on the dialog's confirm button. */
export function ConfirmAction({ label, spec, className, ...button }: ConfirmActionProps) {
  const [open, setOpen] = useState(false);
  const act = useAction();
  const s = open ? (typeof spec === 'function' ? spec() : spec) : undefined;
  function close() {
    setOpen(false);
    act.clearError();
  }
  async function confirm() {
    if (!s) return;
    const ok = await act.perform(async () => (await s.run(), true));
    if (!ok) return;
    setOpen(false);
    s.onDone?.();
  }
  return (
    <>
      <button type="button" className={className ?? 'danger'} {...button} onClick={() => setOpen(true)}>
        {label}
      </button>
      {s ? (
        <Dialog
          title={s.title}
          open
          onClose={close}
          onSubmit={() => void confirm()}
          submitLabel={s.confirmLabel}
          danger
          busy={act.busy}
        >
          {s.body}
          {s.count !== undefined ? <CountLine count={s.count} total={s.total} noun={s.noun} /> : null}
          <ErrorBox error={act.error} />
        </Dialog>
      ) : null}
    </>
  );
}

type CountProps = Pick<ConfirmSpec, 'total' | 'noun'> & { count: number };

function CountLine({ count, total, noun = ['record is affected', 'records are affected'] }: CountProps) {
  return (
    <p className="confirm-count" data-testid="confirm-count">
      <strong>{num(count)}</strong>
      {total !== undefined ? ` of ${num(total)}` : ''} {(total ?? count) === 1 ? noun[0] : noun[1]}.
    </p>
  );
}
