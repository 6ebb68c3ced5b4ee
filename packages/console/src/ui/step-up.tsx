import { useEffect, useRef, useState } from 'react';
import { onStepUpNeeded } from '../app/api.js';
import { Dialog } from './dialog.js';

/**
 * Asks for an authenticator code when the hub wants a fresh second factor before a dangerous
 * action (starting a rollout, granting guard writes, opening remote access). The action that
 * asked is sent again once the code is proved; Cancel lets it fail with its own message.
 */
export function StepUpPrompt() {
  const [open, setOpen] = useState(false);
  const [code, setCode] = useState('');
  const pending = useRef<((code: string | null) => void) | null>(null);

  useEffect(() => {
    onStepUpNeeded(
      () =>
        new Promise<string | null>((resolve) => {
          pending.current?.(null);
          pending.current = resolve;
          setCode('');
          setOpen(true);
        }),
    );
    return () => onStepUpNeeded(null);
  }, []);

  function finish(value: string | null) {
    pending.current?.(value);
    pending.current = null;
    setOpen(false);
  }

  return (
    <Dialog
      title="Confirm it is you"
      open={open}
      onClose={() => finish(null)}
      onSubmit={() => finish(code.trim() || null)}
      submitLabel="Confirm"
      mutates={false}
    >
      <p>This action needs a second factor from the last five minutes.</p>
      <div className="field">
        <label htmlFor="step-up-code">Authenticator code</label>
        <input
          id="step-up-code"
          autoComplete="one-time-code"
          inputMode="numeric"
          required
          autoFocus
          value={code}
          onChange={(e) => setCode(e.target.value)}
          aria-describedby="step-up-hint"
        />
        <div className="hint" id="step-up-hint">
          The 6-digit code from your authenticator app, or one of your recovery codes.
        </div>
      </div>
    </Dialog>
  );
}
