import { useEffect, useId, useRef, type FormEvent, type ReactNode } from 'react';

/**
 * A modal built on <dialog>: the browser traps focus, Escape closes it, and the rest of the page
 * is inert while it is open. `onSubmit` runs on Enter or the primary button.
 */
export function Dialog(props: {
  title: string;
  open: boolean;
  onClose(): void;
  onSubmit?(): void;
  submitLabel?: string;
  danger?: boolean;
  busy?: boolean;
  children: ReactNode;
  wide?: boolean;
  /** The primary button changes something on the hub (default); false for local-only dialogs. */
  mutates?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  // Dialogs can stack (a step-up prompt over a wizard): each names itself by its own title.
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) d.showModal();
    if (!props.open && d.open) d.close();
  }, [props.open]);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!props.busy) props.onSubmit?.();
  }

  return (
    <dialog
      ref={ref}
      className={`dialog${props.wide ? ' dialog-wide' : ''}`}
      aria-labelledby={titleId}
      onClose={props.onClose}
      onCancel={props.onClose}
    >
      {props.open ? (
        <form onSubmit={submit} method="dialog">
          <h2 id={titleId}>{props.title}</h2>
          <div className="dialog-body">{props.children}</div>
          <div className="dialog-actions">
            <button type="button" className="secondary" onClick={props.onClose}>
              {props.onSubmit ? 'Cancel' : 'Close'}
            </button>
            {props.onSubmit ? (
              <button
                type="submit"
                className={props.danger ? 'danger' : 'primary'}
                disabled={props.busy}
                data-mutates={props.mutates === false ? undefined : ''}
              >
                {props.busy ? 'Working…' : (props.submitLabel ?? 'Confirm')}
              </button>
            ) : null}
          </div>
        </form>
      ) : null}
    </dialog>
  );
}
